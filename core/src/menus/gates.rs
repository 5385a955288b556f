//! When a flag gate lets an item through. One rule for the delivery API (server snapshot) and the
//! editor's preview (flags compiled in the browser), so both show the same menu.

use crate::flags::{CompiledFlag, EvalContext};

/// A boolean flag must evaluate to `true`; a flag of another kind must be switched on, meet its
/// prerequisites and evaluate without error. A flag that does not exist (deleted, archived) keeps the item hidden.
pub fn gate_open(flag: Option<&CompiledFlag>, ctx: &EvalContext) -> bool {
    flag.is_some_and(|flag| flag.decide(ctx).is_on(flag.kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::{Flag, FlagEnvironment, FlagKind, Reason, Segments, Variant};
    use serde_json::json;

    fn compiled(
        kind: FlagKind,
        variants: Vec<Variant>,
        enabled: bool,
        default: &str,
    ) -> CompiledFlag {
        gated(kind, variants, enabled, default, Vec::new())
    }

    /// The flag `gate`, with `prerequisites` (never linked here, so never met).
    fn gated(
        kind: FlagKind,
        variants: Vec<Variant>,
        enabled: bool,
        default: &str,
        prerequisites: Vec<crate::flags::Prerequisite>,
    ) -> CompiledFlag {
        let flag = Flag {
            id: 1,
            key: "gate".into(),
            name: "Gate".into(),
            description: String::new(),
            tags: vec![],
            owner: String::new(),
            kind,
            variants,
            archived: false,
            version: 1,
            created_at: 0,
            updated_at: 0,
        };
        // Switched off, a flag serves its off variant: `off` for booleans, the first otherwise.
        let off = match kind {
            FlagKind::Boolean => "off".to_string(),
            _ => flag.variants[0].key.clone(),
        };
        let settings = FlagEnvironment {
            environment: "production".into(),
            enabled,
            off_variant: off,
            default_variant: default.into(),
            prerequisites,
            rules: vec![],
            version: 1,
            updated_at: 0,
        };
        CompiledFlag::compile(&flag, &settings, &Segments::new())
    }

    #[test]
    fn boolean_gates_open_only_on_true() {
        let ctx = EvalContext::new(Some("u1".into()));
        let bool_pair = Variant::boolean_pair();
        assert!(gate_open(
            Some(&compiled(FlagKind::Boolean, bool_pair.clone(), true, "on")),
            &ctx
        ));
        assert!(!gate_open(
            Some(&compiled(FlagKind::Boolean, bool_pair.clone(), true, "off")),
            &ctx
        ));
        assert!(!gate_open(
            Some(&compiled(FlagKind::Boolean, bool_pair, false, "on")),
            &ctx
        ));
        assert!(!gate_open(None, &ctx), "an unknown flag hides");
    }

    #[test]
    fn other_kinds_open_while_switched_on() {
        let ctx = EvalContext::new(None);
        let variants = vec![
            Variant {
                key: "none".into(),
                value: json!(""),
                description: String::new(),
            },
            Variant {
                key: "sale".into(),
                value: json!("Winter sale"),
                description: String::new(),
            },
        ];
        assert!(gate_open(
            Some(&compiled(FlagKind::String, variants.clone(), true, "sale")),
            &ctx
        ));
        assert!(!gate_open(
            Some(&compiled(FlagKind::String, variants.clone(), false, "sale")),
            &ctx
        ));
        // Switched on, but a prerequisite fails: closed.
        let login = crate::flags::Prerequisite {
            flag: "login".into(),
            variants: vec!["on".into()],
        };
        let gated = gated(FlagKind::String, variants, true, "sale", vec![login]);
        assert_eq!(gated.evaluate(&ctx).reason, Reason::PrerequisiteFailed);
        assert!(!gate_open(Some(&gated), &ctx));
    }
}
