package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// runBinary runs flashdeck with args and env (the whole environment, not
// added to os.Environ) and returns its exit status, stdout and stderr.
func runBinary(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env, cmd.Dir = env, t.TempDir()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("flashdeck %v did not exit within 30 s; stderr:\n%s", args, errb.String())
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// withoutDisplay is this environment with DISPLAY and WAYLAND_DISPLAY removed.
func withoutDisplay() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	return env
}

// TestDesktopWithoutADisplaySaysSo: the real binary, asked for the desktop
// on a machine without a display, says so on one line and exits non-zero;
// it used to start the demo and die in GLFW's initialisation with a panic
// and a goroutine dump.
func TestDesktopWithoutADisplaySaysSo(t *testing.T) {
	if runtime.GOOS != "linux" && !strings.HasSuffix(runtime.GOOS, "bsd") {
		t.Skip("the display is checked on Linux and the BSDs")
	}
	for _, args := range [][]string{nil, {"--quit-after", "5s"}, {"--remote", "http://127.0.0.1:9"}} {
		code, stdout, stderr := runBinary(t, withoutDisplay(), args...)
		if code == 0 {
			t.Errorf("flashdeck %v without a display: exit 0", args)
		}
		if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 ||
			!strings.HasPrefix(stderr, "flashdeck: the desktop needs a display") ||
			!strings.Contains(stderr, "flashdeck serve") || !strings.Contains(stderr, "make run") {
			t.Errorf("flashdeck %v without a display: want one line saying it needs one, got:\n%s", args, stderr)
		}
		if all := stdout + stderr; strings.Contains(all, "goroutine") || strings.Contains(all, "panic") || strings.Contains(all, "demo:") {
			t.Errorf("flashdeck %v without a display started or crashed:\n%s", args, all)
		}
	}
	// The headless modes need none.
	if code, out, _ := runBinary(t, withoutDisplay(), "--version"); code != 0 || !strings.HasPrefix(out, "flashdeck ") {
		t.Errorf("--version without a display: exit %d, %q", code, out)
	}
}

// TestDesktopOnAnUnreachableDisplaySaysSo: the real binary, given a
// DISPLAY nothing serves (an SSH session's, an Xvfb gone), names it on one
// line and exits non-zero before starting anything; it used to start the
// demo and die in GLFW's initialisation with a panic and a goroutine dump.
func TestDesktopOnAnUnreachableDisplaySaysSo(t *testing.T) {
	if runtime.GOOS != "linux" && !strings.HasSuffix(runtime.GOOS, "bsd") {
		t.Skip("the display is checked on Linux and the BSDs")
	}
	const display = ":4711" // no test starts an X server there
	for _, args := range [][]string{nil, {"--remote", "http://127.0.0.1:9"}} {
		code, stdout, stderr := runBinary(t, append(withoutDisplay(), "DISPLAY="+display), args...)
		if code == 0 {
			t.Errorf("flashdeck %v on DISPLAY=%s: exit 0", args, display)
		}
		if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 ||
			!strings.HasPrefix(stderr, `flashdeck: the desktop cannot reach the X display DISPLAY=":4711" (dial unix`) ||
			!strings.Contains(stderr, "flashdeck serve") {
			t.Errorf("flashdeck %v on DISPLAY=%s: want one line naming the display, got:\n%s", args, display, stderr)
		}
		if all := stdout + stderr; strings.Contains(all, "goroutine") || strings.Contains(all, "panic") || strings.Contains(all, "demo:") {
			t.Errorf("flashdeck %v on DISPLAY=%s started or crashed:\n%s", args, display, all)
		}
	}
}

// TestUnknownCommandIsRefused: flashdeck bogus is a usage error (exit 2,
// one line on stderr listing the commands), not the desktop.
func TestUnknownCommandIsRefused(t *testing.T) {
	code, stdout, stderr := runBinary(t, withoutDisplay(), "bogus")
	if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.HasPrefix(stderr, `flashdeck: unknown command "bogus": the commands are serve, simulate, check, report, sale, secret, version, help`) {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}
