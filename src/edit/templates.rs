//! Layouts to start from: the talk's supply chains, without keys (the owner adds the
//! functionaries). Built from [`LayoutAction`]s like every other edit.

use super::layout::{EditError, LayoutAction, LayoutDocument};
use crate::crypto::signed::EnvelopeKind;
use crate::intoto::ArtifactRule;
use crate::time::UtcTime;
use crate::trace::RuleList;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Alice writes the code and builds the package; an inspection unpacks and compares it.
    CreateBuild,
    /// The same with Bob's review and update between create and build.
    CreateUpdateBuild,
}

impl Template {
    pub const ALL: [Template; 2] = [Template::CreateBuild, Template::CreateUpdateBuild];

    pub fn title(self) -> &'static str {
        match self {
            Template::CreateBuild => "create → build",
            Template::CreateUpdateBuild => "create → update → build",
        }
    }

    /// The steps: (name, material rules, product rules), then the package the last one builds.
    fn plan(self) -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
        let create = ("create", vec![], vec!["CREATE project/*", "DISALLOW *"]);
        let build = |from: &'static str| {
            (
                "build",
                vec![
                    if from == "create" {
                        "MATCH project/* WITH PRODUCTS FROM create"
                    } else {
                        "MATCH project/* WITH PRODUCTS FROM update"
                    },
                    "DISALLOW *",
                ],
                vec!["CREATE project.tar.gz", "DISALLOW *"],
            )
        };
        match self {
            Template::CreateBuild => vec![create, build("create")],
            Template::CreateUpdateBuild => vec![
                create,
                (
                    "update",
                    vec!["MATCH project/* WITH PRODUCTS FROM create", "DISALLOW *"],
                    vec!["MODIFY project/*", "DISALLOW *"],
                ),
                build("update"),
            ],
        }
    }

    /// A new layout document holding the template, expiring at `expires`.
    pub fn document(self, expires: UtcTime) -> Result<LayoutDocument, EditError> {
        let mut document = LayoutDocument::new(expires, EnvelopeKind::Legacy);
        document.apply(LayoutAction::SetReadme(format!(
            "Supply chain {} (from chainscope's template).",
            self.title()
        )))?;
        let plan = self.plan();
        let source = if self == Template::CreateUpdateBuild {
            "update"
        } else {
            "create"
        };
        let rule = |text: &str| ArtifactRule::parse_text(text).expect("template rules are valid");
        let add_rules = |document: &mut LayoutDocument, owner: &str, list, rules: &[&str]| {
            for text in rules {
                document.apply(LayoutAction::AddRule {
                    owner: owner.to_owned(),
                    list,
                    rule: rule(text),
                    at: None,
                })?;
            }
            Ok::<(), EditError>(())
        };
        for (name, materials, products) in &plan {
            document.apply(LayoutAction::AddStep {
                name: (*name).to_owned(),
                at: None,
            })?;
            add_rules(&mut document, name, RuleList::ExpectedMaterials, materials)?;
            add_rules(&mut document, name, RuleList::ExpectedProducts, products)?;
        }
        document.apply(LayoutAction::AddInspection {
            name: "untar".into(),
            at: None,
        })?;
        document.apply(LayoutAction::SetRun {
            inspection: "untar".into(),
            run: vec!["tar".into(), "xzf".into(), "project.tar.gz".into()],
        })?;
        // in-toto-verify runs the inspection in the folder it verifies, where the layout lies
        // beside the package: its link files are left out by in-toto's exclude patterns
        // (`*.link*`), the layout is not.
        add_rules(
            &mut document,
            "untar",
            RuleList::ExpectedMaterials,
            &[
                "MATCH project.tar.gz WITH PRODUCTS FROM build",
                "ALLOW root.layout",
                "DISALLOW *",
            ],
        )?;
        let from_source = format!("MATCH project/* WITH PRODUCTS FROM {source}");
        add_rules(
            &mut document,
            "untar",
            RuleList::ExpectedProducts,
            &[
                "MATCH project.tar.gz WITH PRODUCTS FROM build",
                &from_source,
                "ALLOW root.layout",
                "DISALLOW *",
            ],
        )?;
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_hold_the_talks_steps_and_the_inspection() {
        let expires = UtcTime::parse_rfc3339("2099-12-31T00:00:00Z").unwrap();
        for (template, steps) in [
            (Template::CreateBuild, vec!["create", "build"]),
            (
                Template::CreateUpdateBuild,
                vec!["create", "update", "build"],
            ),
        ] {
            let document = template.document(expires).unwrap();
            let layout = document.layout();
            let names: Vec<&str> = layout.steps().iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names, steps);
            assert_eq!(
                layout.inspections()[0].run(),
                ["tar", "xzf", "project.tar.gz"]
            );
            layout.validate().unwrap();
        }
    }
}
