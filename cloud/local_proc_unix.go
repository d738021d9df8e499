//go:build unix

package cloud

import (
	"os/exec"
	"syscall"
)

// inOwnProcessGroup makes the job's shell lead a process group, so that
// canceling reaches the commands it started too.
func inOwnProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func signalJob(cmd *exec.Cmd, kill bool) error {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	return syscall.Kill(-cmd.Process.Pid, sig)
}
