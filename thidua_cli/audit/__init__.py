"""The audit trail from git: what changed between versions, who changed it, approvals."""
