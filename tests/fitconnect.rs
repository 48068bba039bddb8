//! `amt fitconnect`: the submission metadata a portal's sender puts beside
//! a FIT-Connect submission. (`.ci/run` also validates the metadata of
//! every example against FITKO's metadata schema 1.0.0.)

mod common;

use common::{Temp, amt};
use sha2::{Digest, Sha512};

const PROCEDURE: &str = r#"procedure bescheinigung "Bescheinigung" {
  version 2.1.0
  leika 99999999999999
  fim S12000000300 version 1.0
  page a "Angaben" {
    field name: text(max 80) "Name" { required }
    field email: email "E-Mail-Adresse"
    attachment nachweis "Nachweis" {
      types pdf
      count 1..2
      required
    }
  }
}
"#;

fn hex(bytes: &[u8]) -> String {
    Sha512::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_metadata_names_the_data_its_schema_and_every_file_by_hash() {
    let dir = Temp::new("fitconnect-one");
    dir.write("p.amt", PROCEDURE);
    let data = br#"{"name":"Erika Mustermann","email":"erika@example.org","nachweis":[{"id":"n1","filename":"nachweis.pdf","media_type":"application/pdf","size":5}]}"#;
    let submission = dir.write("antrag.json", data);
    let pdf = dir.write("nachweis.pdf", b"%PDF-");
    let p = dir.path().to_str().unwrap();
    let file = format!("n1={}", pdf.display());
    let full = [
        "fitconnect",
        p,
        "--submission",
        submission.to_str().unwrap(),
        "--file",
        &file,
        "--reply",
        "email:erika@example.org",
        "--schema-base",
        "https://formulare.example.de/schemas/",
    ];
    let o = amt(&full);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let content = &meta["contentStructure"];
    assert_eq!(content["data"]["hash"]["type"], "sha512");
    assert_eq!(content["data"]["hash"]["content"], hex(data));
    // The schema as FIT-Connect names FIM schemas: id in lower case, `_`, version.
    assert_eq!(
        content["data"]["submissionSchema"]["schemaUri"],
        "https://formulare.example.de/schemas/s12000000300_2.1.0.schema.json"
    );
    let a = &content["attachments"][0];
    assert_eq!(a["hash"]["content"], hex(b"%PDF-"));
    assert_eq!(a["mimeType"], "application/pdf");
    assert_eq!(a["filename"], "nachweis.pdf");
    assert_eq!(a["purpose"], "attachment");
    assert_eq!(a["description"], "Nachweis");
    let id = a["attachmentId"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "a UUIDv4: {id}");
    assert_eq!(
        meta["publicServiceType"]["identifier"],
        "urn:de:fim:leika:leistung:99999999999999"
    );
    assert_eq!(
        meta["replyChannel"]["eMail"]["address"],
        "erika@example.org"
    );

    // The same submission, the same metadata.
    let again = amt(&full);
    assert_eq!(o.stdout, again.stdout);

    // A file the submission names must be given, and only those.
    let o = amt(&[
        "fitconnect",
        p,
        "--submission",
        submission.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`n1`"));
    let o = amt(&[
        "fitconnect",
        p,
        "--submission",
        submission.to_str().unwrap(),
        "--file",
        &format!("n1={}", pdf.display()),
        "--file",
        &format!("n2={}", pdf.display()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`n2` is not one the submission names"));
}

#[test]
fn every_example_gets_its_data_files_and_metadata() {
    let dir = Temp::new("fitconnect-examples");
    let out = dir.path().join("out");
    let o = amt(&["fitconnect", "forms", "--examples", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut count = 0;
    for procedure in std::fs::read_dir(&out).unwrap() {
        for example in std::fs::read_dir(procedure.unwrap().path()).unwrap() {
            let folder = example.unwrap().path();
            let data = std::fs::read(folder.join("data.json")).unwrap();
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(folder.join("metadata.json")).unwrap())
                    .unwrap();
            assert_eq!(
                meta["contentStructure"]["data"]["hash"]["content"],
                hex(&data)
            );
            count += 1;
        }
    }
    // Every example of forms/ (amt test runs the same).
    assert!(count > 150, "{count}");
    // München replies by e-mail, and its example gives an address.
    let munich = std::fs::read_dir(out.join("hundesteuer"))
        .unwrap()
        .find_map(|e| {
            let f = e.unwrap().path();
            f.to_string_lossy()
                .ends_with("erster-hund-in-münchen")
                .then_some(f)
        });
    let meta = std::fs::read_to_string(munich.unwrap().join("metadata.json")).unwrap();
    assert!(meta.contains("\"eMail\""), "{meta}");
}
