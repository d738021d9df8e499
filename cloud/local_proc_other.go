//go:build !unix

package cloud

import "os/exec"

func inOwnProcessGroup(*exec.Cmd) {}

func signalJob(cmd *exec.Cmd, _ bool) error { return cmd.Process.Kill() }
