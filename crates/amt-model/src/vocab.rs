//! The closed vocabularies of the model: each a set of words that amt's
//! source, the model's JSON and the emitters share, declared once as an enum
//! with [`words!`](crate::words).

/// Declares a closed set of words: an enum whose variants are written (in
/// amt's source and in the model's JSON) as the given words, with
/// `ALL` (every value, in order), `word()`, `from_word()`, `words()` (for
/// did-you-mean and completion) and `Display`.
///
/// ```
/// amt_model::words! {
///     /// A colour.
///     pub enum Colour {
///         /// Red.
///         Red = "rot",
///         /// Green.
///         Green = "grün",
///     }
/// }
/// assert_eq!(Colour::from_word("rot"), Some(Colour::Red));
/// assert_eq!(Colour::Green.to_string(), "grün");
/// assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"rot\"");
/// ```
#[macro_export]
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $word)] $variant, )+
        }

        impl $name {
            /// Every value, in the order of its declaration.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word that names the value.
            pub fn word(self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )+
                }
            }

            /// The value a word names.
            pub fn from_word(word: &str) -> Option<$name> {
                match word {
                    $( $word => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// Every word, in order.
            pub fn words() -> impl Iterator<Item = &'static str> + Clone {
                $name::ALL.iter().map(|v| v.word())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.word())
            }
        }
    };
}

words! {
    /// How bad a broken rule is.
    pub enum Severity {
        /// The submission is not accepted.
        Error = "error",
        /// Shown to the applicant; the submission is accepted.
        Warning = "warning",
    }
}

words! {
    /// The trust levels of eIDAS Art. 8, lowest first (so they compare).
    pub enum TrustLevel {
        /// Low.
        Niedrig = "niedrig",
        /// Substantial.
        Substanziell = "substanziell",
        /// High.
        Hoch = "hoch",
    }
}

words! {
    /// The means of identification amt knows, in the order of their words.
    pub enum Means {
        /// A user account with username and password only.
        Account = "account",
        /// The Online-Ausweis (eID of the ID card, eID card, eAT).
        Eid = "eid",
        /// An ELSTER certificate.
        Elster = "elster",
        /// An EUDI wallet with PID.
        EudiWallet = "eudi_wallet",
    }
}

impl Means {
    /// The highest trust level the means reaches; `None`: below every level.
    pub fn level(self) -> Option<TrustLevel> {
        match self {
            Means::Account => None,
            Means::Elster => Some(TrustLevel::Substanziell),
            Means::Eid | Means::EudiWallet => Some(TrustLevel::Hoch),
        }
    }

    /// What the means is, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Means::Account => {
                "a user account with username and password only (BundID Basisregistrierung)"
            }
            Means::Eid => "the Online-Ausweis (eID of the ID card, eID card, eAT)",
            Means::Elster => "an ELSTER certificate",
            Means::EudiWallet => "an EUDI wallet with PID",
        }
    }
}

words! {
    /// The kinds of workflow states in the model.
    pub enum StateKind {
        /// Where a case begins: the application is received.
        Start = "start",
        /// Work done by one actor.
        Step = "step",
        /// Steps done at the same time, then joined.
        Parallel = "parallel",
        /// Where a case ends, with an outcome.
        End = "end",
        /// The applicant pays an amount before a deadline.
        Payment = "payment",
    }
}

words! {
    /// Who acts in a workflow.
    pub enum ActorKind {
        /// The person who applied.
        Applicant = "applicant",
        /// A role in an authority (a candidate group in Camunda).
        Authority = "authority",
        /// Software, without a person.
        System = "system",
        /// A body outside the authority (a Fachstelle, the Gemeinde).
        External = "external",
    }
}

words! {
    /// The results of a case.
    pub enum Outcome {
        /// What was applied for is granted.
        Granted = "granted",
        /// It is refused.
        Rejected = "rejected",
        /// The applicant withdrew, or the application counts as withdrawn.
        Withdrawn = "withdrawn",
        /// A registration is made.
        Registered = "registered",
        /// The case is done without a decision of its own.
        Completed = "completed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_name_their_values_both_ways_and_in_json() {
        for level in TrustLevel::ALL {
            assert_eq!(TrustLevel::from_word(level.word()), Some(*level));
            let json = serde_json::to_string(level).unwrap();
            assert_eq!(json, format!("\"{level}\""));
        }
        assert_eq!(Means::from_word("eudi_wallet"), Some(Means::EudiWallet));
        assert_eq!(Means::from_word("wallet"), None);
        assert!(TrustLevel::Niedrig < TrustLevel::Hoch);
        let words: Vec<&str> = Means::words().collect();
        let mut sorted = words.clone();
        sorted.sort();
        assert_eq!(words, sorted, "maps keyed by means stay in word order");
    }
}
