//! The README's "in short" scenario is a valid scenario (it names presets, so it also checks
//! that the names it shows exist).

use serverless_sim::scenario::Scenario;

#[test]
fn the_readme_short_scenario_passes_check() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```toml\nname = \"web-api\"")
        .expect("the README's short scenario");
    let body = &readme[start + "```toml\n".len()..];
    let text = &body[..body.find("```").expect("closing fence")];
    let s = Scenario::parse("README.md".as_ref(), text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.deployments.len(), 2);
    let named: Vec<&str> = s
        .deployments
        .iter()
        .flat_map(|d| d.pricing.iter().map(|p| p.preset.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            "aws-lambda-x86",
            "aws-dynamodb-on-demand",
            "aws-ec2-t3.medium"
        ]
    );
}
