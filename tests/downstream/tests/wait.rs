//! The business logic of this crate against the generated typed mock server: no
//! network, and JSON written by hand only for the error body. Every test starts
//! its own server on 127.0.0.1 and stops it when it ends; every wait is bounded
//! by its poll count.

// The API marks the legacy backup operations deprecated.
#![allow(deprecated)]

use std::time::Duration;

use atlas_admin::mock::MockServer;
use atlas_admin::{
    ApiError, BackupRestoreJob, BackupRestoreJobDelivery, ClusterName, DeliveryMethod, Error,
    GetGroupClusterRestoreJob, GroupId, JobId, RestoreJobStatus,
};
use atlas_downstream::{wait_until_finished, WaitError};

const POLL: Duration = Duration::from_millis(5);

fn ids() -> (GroupId, ClusterName, JobId) {
    (
        GroupId::new("32b6e34b3d91647abb20e7b8").unwrap(),
        ClusterName::new("Cluster0").unwrap(),
        JobId::new("5f4d7a1b2c3d4e5f6a7b8c9d").unwrap(),
    )
}

fn request() -> GetGroupClusterRestoreJob {
    let (g, c, j) = ids();
    GetGroupClusterRestoreJob::new(g, c, j)
}

fn job(status: RestoreJobStatus) -> BackupRestoreJob {
    let mut job = BackupRestoreJob::new(BackupRestoreJobDelivery::new(DeliveryMethod::Http));
    job.status_name = Some(status);
    job
}

#[tokio::test]
async fn a_job_in_progress_is_read_until_it_finishes() {
    let mock = MockServer::start().await;
    let (g, c, j) = ids();
    // Two reads see it running, the third sees it finished.
    mock.get_group_cluster_restore_job()
        .group_id(&g)
        .cluster_name(&c)
        .job_id(&j)
        .up_to_n_times(2)
        .expect(2)
        .respond_ok(job(RestoreJobStatus::InProgress))
        .await;
    mock.get_group_cluster_restore_job()
        .group_id(&g)
        .cluster_name(&c)
        .job_id(&j)
        .expect(1)
        .respond_ok(job(RestoreJobStatus::Finished))
        .await;
    let done = wait_until_finished(&mock.client(), &request(), POLL, 10)
        .await
        .unwrap();
    assert_eq!(done.status_name, Some(RestoreJobStatus::Finished));
    assert_eq!(
        done,
        job(RestoreJobStatus::Finished),
        "the typed value comes back as sent"
    );
    mock.verify().await;
}

#[tokio::test]
async fn a_documented_404_surfaces_as_the_typed_error_body() {
    let mock = MockServer::start().await;
    // Built by wire names: which of its fields `ApiError::new` takes differs
    // between published specs (none are required in the 2023 one).
    let body: ApiError = serde_json::from_value(serde_json::json!({
        "error": 404,
        "errorCode": "RESTORE_JOB_NOT_FOUND",
        "detail": "No restore job with that ID exists.",
    }))
    .unwrap();
    mock.get_group_cluster_restore_job()
        .expect(1)
        .respond_not_found(&body)
        .await;
    let err = wait_until_finished(&mock.client(), &request(), POLL, 10)
        .await
        .unwrap_err();
    match err {
        WaitError::Api(Error::Api {
            status, body: got, ..
        }) => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(*got, body);
            let wire = serde_json::to_value(&*got).unwrap();
            assert_eq!(wire["errorCode"], "RESTORE_JOB_NOT_FOUND");
        }
        other => panic!("expected the typed 404, got {other:?}"),
    }
    // One read: an API error is not polled again.
    mock.verify().await;
}

#[tokio::test]
async fn a_broken_job_fails_with_its_status() {
    let mock = MockServer::start().await;
    mock.get_group_cluster_restore_job()
        .up_to_n_times(1)
        .respond_ok(job(RestoreJobStatus::InProgress))
        .await;
    mock.get_group_cluster_restore_job()
        .respond_ok(job(RestoreJobStatus::Broken))
        .await;
    match wait_until_finished(&mock.client(), &request(), POLL, 10).await {
        Err(WaitError::Failed { status, .. }) => assert_eq!(status, RestoreJobStatus::Broken),
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[tokio::test]
async fn waiting_gives_up_after_max_polls() {
    let mock = MockServer::start().await;
    mock.get_group_cluster_restore_job()
        .expect(3)
        .respond_ok(job(RestoreJobStatus::InProgress))
        .await;
    match wait_until_finished(&mock.client(), &request(), POLL, 3).await {
        Err(WaitError::GaveUp { polls, last_status }) => {
            assert_eq!(polls, 3);
            assert_eq!(last_status, Some(RestoreJobStatus::InProgress));
        }
        other => panic!("expected GaveUp, got {other:?}"),
    }
    mock.verify().await;
}

#[tokio::test]
async fn a_status_the_bindings_do_not_know_counts_as_running() {
    let mock = MockServer::start().await;
    mock.get_group_cluster_restore_job()
        .up_to_n_times(1)
        .respond_ok(job(RestoreJobStatus::Unknown("QUEUED".to_owned())))
        .await;
    mock.get_group_cluster_restore_job()
        .respond_ok(job(RestoreJobStatus::Finished))
        .await;
    let done = wait_until_finished(&mock.client(), &request(), POLL, 5).await;
    assert!(done.is_ok(), "{done:?}");
}

#[tokio::test]
async fn a_request_for_another_job_matches_no_mock_and_is_reported() {
    let mock = MockServer::start().await;
    let other = JobId::new("000000000000000000000000").unwrap();
    mock.get_group_cluster_restore_job()
        .job_id(&other)
        .named("the other job")
        .respond_ok(job(RestoreJobStatus::Finished))
        .await;
    let err = wait_until_finished(&mock.client(), &request(), POLL, 5)
        .await
        .unwrap_err();
    match &err {
        WaitError::Api(Error::UnexpectedStatus { status, .. }) => {
            // What the mock server answers a request no mock matches.
            assert_eq!(status.as_u16(), 501);
        }
        other => panic!("expected the unmatched answer, got {other:?}"),
    }
    let unmatched = mock.server().unmatched();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(
        unmatched[0].ends_with("/restoreJobs/5f4d7a1b2c3d4e5f6a7b8c9d"),
        "{unmatched:?}"
    );
    // Sent on purpose: forgotten, so dropping the server does not fail the test.
    mock.server().clear_unmatched();
}

#[tokio::test]
#[should_panic(expected = "matched no mock")]
async fn an_unmatched_request_fails_the_test() {
    let mock = MockServer::start().await;
    let _ = wait_until_finished(&mock.client(), &request(), POLL, 1).await;
    // Dropping the server reports the request nothing answered.
}

#[tokio::test]
#[should_panic(expected = "Verifications failed")]
async fn an_unmet_expectation_fails_the_test() {
    let mock = MockServer::start().await;
    mock.get_group_cluster_restore_job()
        .expect(2)
        .respond_ok(job(RestoreJobStatus::Finished))
        .await;
    // Finishes at the first read: one request, not the two expected.
    wait_until_finished(&mock.client(), &request(), POLL, 5)
        .await
        .unwrap();
    mock.verify().await;
}
