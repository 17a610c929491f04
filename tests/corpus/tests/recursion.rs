//! Recursive schemas (`tests/corpus/recursion/`): a tree whose parent link is
//! the node itself (boxed), an array of itself, itself in an array inside an
//! inline object, and two schemas that refer to each other. Each decodes to
//! any depth serde_json allows and re-encodes unchanged.

use atlasgen_corpus::{decode, encode, json_response, round_trip};
use corpus_recursion::{Comment, CommentThread, Folder, GetFolder, GetTeam, Member, Team};
use serde_json::json;

#[test]
fn a_folder_decodes_its_parent_chain_and_subtree_and_re_encodes_unchanged() {
    let tree = json!({
        "name": "drafts",
        "parent": {"name": "projects", "parent": {"name": "root"}},
        "subfolders": [
            {"name": "2024", "subfolders": [{"name": "q1"}, {"name": "q2"}]},
            {"name": "archive"}
        ]
    });
    let folder: Folder = round_trip(&tree);
    let parent = folder.parent.as_deref().expect("a parent");
    assert_eq!(parent.name, "projects");
    assert_eq!(
        parent.parent.as_deref().map(|p| p.name.as_str()),
        Some("root")
    );
    let subfolders = folder.subfolders.as_deref().expect("subfolders");
    let year = &subfolders[0];
    let quarters: Vec<&str> = year
        .subfolders
        .iter()
        .flatten()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(quarters, ["q1", "q2"]);
}

#[test]
fn a_deep_chain_of_parents_decodes() {
    let mut value = json!({"name": "leaf"});
    for depth in 0..60 {
        value = json!({"name": format!("level {depth}"), "parent": value});
    }
    let folder: Folder = round_trip(&value);
    let mut depth = 0;
    let mut node = &folder;
    while let Some(parent) = node.parent.as_deref() {
        node = parent;
        depth += 1;
    }
    assert_eq!((depth, node.name.as_str()), (60, "leaf"));
}

#[test]
fn nesting_beyond_serde_jsons_recursion_limit_is_undecodable_not_a_crash() {
    let deep = format!(
        "{}{{\"name\":\"leaf\"}}{}",
        "{\"name\":\"n\",\"parent\":".repeat(400),
        "}".repeat(400)
    );
    let response = atlasgen_corpus::response(200, "application/json", deep);
    match GetFolder::new("f1".to_owned()).parse_response(response) {
        Err(corpus_recursion::Error::Undecodable { source, .. }) => {
            assert!(source.to_string().contains("recursion limit"), "{source}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn comments_recurse_through_the_inline_thread_object() {
    let pinned = json!({
        "text": "Ship it?",
        "thread": {"replies": [
            {"text": "After review.", "thread": {"replies": [{"text": "Reviewed."}]}},
            {"text": "Yes."}
        ]}
    });
    let folder: Folder = round_trip(&json!({"name": "drafts", "pinned": pinned}));
    let comment = folder.pinned.expect("a pinned comment");
    let replies = comment.thread.and_then(|t| t.replies).expect("replies");
    assert_eq!(replies.len(), 2);
    let nested = replies[0].thread.as_ref().and_then(|t| t.replies.as_ref());
    assert_eq!(nested.map(|r| r[0].text.as_str()), Some("Reviewed."));
}

#[test]
fn mutually_recursive_team_and_member_decode_in_both_directions() {
    let body = json!({
        "name": "platform",
        "lead": {"handle": "lin", "team": {"name": "platform-leads", "lead": {"handle": "max"}}}
    });
    let team = GetTeam::new("t1".to_owned())
        .parse_response(json_response(200, &body))
        .expect("200 decodes");
    let lead = team.lead.as_ref().expect("a lead");
    let leads_team = lead.team.as_deref().expect("the lead's team");
    assert_eq!(
        leads_team.lead.as_ref().map(|m| m.handle.as_str()),
        Some("max")
    );
    assert_eq!(encode(&team), body);
}

#[test]
fn recursive_values_built_in_rust_encode_as_nested_json() {
    let mut root = Folder::new("root".to_owned());
    let mut child = Folder::new("child".to_owned());
    child.parent = Some(Box::new(Folder::new("root".to_owned())));
    root.subfolders = Some(vec![Box::new(child)]);
    let mut reply = Comment::new("me too".to_owned());
    reply.thread = Some(CommentThread::default());
    let mut comment = Comment::new("first".to_owned());
    let mut thread = CommentThread::default();
    thread.replies = Some(vec![Box::new(reply)]);
    comment.thread = Some(thread);
    root.pinned = Some(comment);
    let encoded = encode(&root);
    assert_eq!(
        encoded,
        json!({
            "name": "root",
            "pinned": {"text": "first", "thread": {"replies": [{"text": "me too", "thread": {}}]}},
            "subfolders": [{"name": "child", "parent": {"name": "root"}}]
        })
    );
    assert_eq!(decode::<Folder>(&encoded), root);
    let mut member = Member::new("kim".to_owned());
    member.team = Some(Box::new(Team::new("core".to_owned())));
    assert_eq!(
        encode(&member),
        json!({"handle": "kim", "team": {"name": "core"}})
    );
}
