//! The editor integration stays in step with the language.

use std::path::Path;

/// Every keyword of the grammar (`kw_*` rules) is highlighted by the VS Code
/// extension's TextMate grammar.
#[test]
fn the_textmate_grammar_knows_every_keyword() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pest = std::fs::read_to_string(root.join("grammar/amt.pest")).unwrap();
    let tm =
        std::fs::read_to_string(root.join("editors/vscode/syntaxes/amt.tmLanguage.json")).unwrap();
    let grammar: serde_json::Value = serde_json::from_str(&tm).unwrap();
    assert_eq!(grammar["scopeName"], "source.amt");
    let keywords: Vec<&str> = pest
        .lines()
        .filter_map(|l| l.strip_prefix("kw_"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(keywords.len() > 50, "{keywords:?}");
    let missing: Vec<&&str> = keywords
        .iter()
        .filter(|k| {
            !tm.match_indices(**k).any(|(i, _)| {
                let before = tm[..i].chars().last().unwrap_or(' ');
                let after = tm[i + k.len()..].chars().next().unwrap_or(' ');
                !before.is_ascii_alphanumeric() && !after.is_ascii_alphanumeric() && after != '_'
            })
        })
        .collect();
    assert!(missing.is_empty(), "not highlighted: {missing:?}");
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        package["contributes"]["languages"][0]["extensions"][0],
        ".amt"
    );
}
