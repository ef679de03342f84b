//! The proposal endpoints in the OpenAPI document.

use serde_json::Value;

/// Every schema the proposal endpoints refer to is in the document.
#[test]
fn the_proposal_endpoints_are_documented() {
    let doc = serde_json::to_value(ingot_web::api::openapi()).unwrap();
    for path in [
        "/proposals",
        "/proposals/{id}",
        "/proposals/{id}/submit",
        "/proposals/{id}/review",
        "/proposals/{id}/attachments",
        "/attachments/{id}",
        "/proposals/stats",
        "/proposals/rewards",
        "/proposals/export",
        "/enterprises/{org_id}/proposal-settings",
        "/notifications",
        "/notifications/read",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let conflict = &doc["paths"]["/proposals/{id}/submit"]["post"]["responses"]["409"];
    assert_eq!(
        conflict["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/SimilarFoundBody"
    );
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        // "#/components/schemas/X", or "#/components/responses/X" for the shared 429.
        let mut parts = r.trim_start_matches("#/components/").splitn(2, '/');
        let (kind, name) = (parts.next().unwrap(), parts.next().unwrap_or(""));
        assert!(
            doc["components"][kind][name].is_object(),
            "{r} is not in the document"
        );
    }
}
