package e2e

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDesktopRendersTheDemo opens the real dashboard on the demo under
// Xvfb, captures the screen and checks that it drew something, then checks
// it quits cleanly.
func TestDesktopRendersTheDemo(t *testing.T) {
	runDesktop(t, nil)
}

// TestRemoteDesktopReadsTheCollector opens the real dashboard on a real
// `flashdeck serve` through --remote: it connects, draws, and quits.
func TestRemoteDesktopReadsTheCollector(t *testing.T) {
	addr := freePort(t)
	srv := start(t, nil, "serve", "--listen", addr)
	srv.waitLine(t, "listening on")
	log := runDesktop(t, nil, "--remote", "http://"+addr)
	if !strings.Contains(log, "collector connected") || !strings.Contains(log, "user=anonymous role=viewer") {
		t.Errorf("the remote desktop did not say it connected, and as whom:\n%s", log)
	}
}

// lockedBuffer collects a process's log for a test to read afterwards.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runDesktop runs the dashboard with args under Xvfb for 12 s, checks the
// screen is drawn and the app quits cleanly, and returns its log.
func runDesktop(t *testing.T, env []string, args ...string) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: make test installs it (scripts/install-deps.sh)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	display := fmt.Sprintf(":%d", 90+os.Getpid()%9)
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = xvfb.Process.Kill(); _ = xvfb.Wait() }()
	time.Sleep(time.Second)

	app := exec.Command(binary, append([]string{"--quit-after", "12s"}, args...)...)
	app.Env = append(append(os.Environ(), "DISPLAY="+display), env...)
	var log lockedBuffer
	app.Stderr = io.MultiWriter(&testLog{t: t, prefix: "desktop: "}, &log)
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(8 * time.Second)
	shot := filepath.Join(t.TempDir(), "screen.png")
	capture := exec.Command("import", "-display", display, "-window", "root", shot)
	if out, err := capture.CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	done := make(chan error, 1)
	go func() { done <- app.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the dashboard exited with %v", err)
		}
	case <-time.After(20 * time.Second):
		_ = app.Process.Kill()
		t.Fatal("the dashboard did not quit")
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// A blank or black screen has one or two colours; a rendered dashboard
	// has text, bars and badges.
	colours := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	if len(colours) < 20 {
		t.Fatalf("the screen looks blank: %d colours", len(colours))
	}
	t.Logf("screen rendered with %d colours", len(colours))
	return log.String()
}
