#pragma once
// The LISTEN/NOTIFY channel of the job queue: every change that makes a job runnable notifies
// it (storage/job_queue), and job_waker listens on it to wake idle workers at once.
namespace ngsync::storage {

inline constexpr const char* job_channel = "ngsync_jobs";

}  // namespace ngsync::storage
