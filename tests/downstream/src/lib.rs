//! A small piece of business logic written against the generated client, as an
//! application would write it: wait for a legacy backup restore job to end.
//!
//! Its tests (`tests/wait.rs`) run it against the generated typed mock server
//! (`atlas_admin::mock`, feature `mock`) instead of Atlas.

// The API marks the legacy backup operations deprecated; this crate uses one on purpose.
#![allow(deprecated)]

use std::time::Duration;

use atlas_admin::{
    ApiError, BackupRestoreJob, Client, GetGroupClusterRestoreJob, RestoreJobStatus,
};

/// Why waiting for a restore job ended without it finishing.
#[derive(Debug)]
pub enum WaitError {
    /// The job ended without finishing (`BROKEN`, `KILLED`).
    Failed {
        /// The status it ended in.
        status: RestoreJobStatus,
        /// The job as last read.
        job: Box<BackupRestoreJob>,
    },
    /// Still not finished after this many reads.
    GaveUp {
        /// How many times the job was read.
        polls: u32,
        /// Its status at the last read, if it had one.
        last_status: Option<RestoreJobStatus>,
    },
    /// Reading the job failed: the API's error (a documented error body, typed), or
    /// the transport's.
    Api(atlas_admin::Error<ApiError>),
}

impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitError::Failed { status, .. } => write!(f, "the restore job ended {status}"),
            WaitError::GaveUp { polls, last_status } => match last_status {
                Some(s) => write!(f, "the restore job is still {s} after {polls} reads"),
                None => write!(f, "the restore job has no status after {polls} reads"),
            },
            WaitError::Api(e) => write!(f, "reading the restore job failed: {e}"),
        }
    }
}

impl std::error::Error for WaitError {}

/// Reads the restore job `request` names until it is `FINISHED` (returned), ends
/// otherwise ([`WaitError::Failed`]), an API call fails ([`WaitError::Api`], at once)
/// or it has been read `max_polls` times ([`WaitError::GaveUp`]); `poll_interval`
/// apart. A status the bindings do not know yet counts as still running.
pub async fn wait_until_finished(
    client: &Client,
    request: &GetGroupClusterRestoreJob,
    poll_interval: Duration,
    max_polls: u32,
) -> Result<BackupRestoreJob, WaitError> {
    let mut last_status = None;
    for poll in 1..=max_polls {
        let job = client
            .get_group_cluster_restore_job(request)
            .await
            .map_err(WaitError::Api)?;
        match &job.status_name {
            Some(RestoreJobStatus::Finished) => return Ok(job),
            Some(s @ (RestoreJobStatus::Broken | RestoreJobStatus::Killed)) => {
                return Err(WaitError::Failed {
                    status: s.clone(),
                    job: Box::new(job),
                })
            }
            other => last_status = other.clone(),
        }
        if poll < max_polls {
            tokio::time::sleep(poll_interval).await;
        }
    }
    Err(WaitError::GaveUp {
        polls: max_polls,
        last_status,
    })
}
