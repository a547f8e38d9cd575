package e2e

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"
)

// noSessionBus keeps a desktop under Xvfb off D-Bus: with no session bus
// address, the D-Bus library starts one with dbus-launch, and that daemon
// outlives the desktop; a run of tests left more than a hundred behind,
// until the machine's inotify instances ran out.
const noSessionBus = "DBUS_SESSION_BUS_ADDRESS=disabled:"

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
	display := startXvfb(t, 90, "1280x800")

	app := exec.Command(binary, append([]string{"--quit-after", "12s"}, args...)...)
	app.Env = append(append(os.Environ(), "DISPLAY="+display, noSessionBus), env...)
	var log lockedBuffer
	app.Stderr = io.MultiWriter(&testLog{t: t, prefix: "desktop: "}, &log)
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	// The dashboard is drawn when a capture of the screen has text, bars
	// and badges (a blank or black screen has one or two colours); it quits
	// by itself after 12 s.
	shot := filepath.Join(t.TempDir(), "screen.png")
	testwait.Until(t, 11*time.Second, func() string {
		capture := exec.Command("import", "-display", display, "-window", "root", shot)
		if out, err := capture.CombinedOutput(); err != nil {
			return fmt.Sprintf("import: %v %s", err, out)
		}
		if n := screenColours(t, shot); n < 20 {
			return fmt.Sprintf("the screen looks blank: %d colours", n)
		}
		return ""
	})
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
	t.Logf("screen rendered with %d colours", screenColours(t, shot))
	return log.String()
}

// screenColours counts the colours of a capture of the screen, sampling
// every third pixel.
func screenColours(t *testing.T, shot string) int {
	t.Helper()
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colours := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(colours)
}

// startXvfb starts an X server of the given screen size on a display of
// its own (from base, by process, so runs side by side do not meet) for
// the rest of the test, and returns the display once the server takes
// connections. It is stopped with SIGTERM, so that it removes its socket
// and lock: one killed leaves them behind, and a later server's socket
// then exists before it listens.
func startXvfb(t *testing.T, base int, screen string) string {
	t.Helper()
	display := fmt.Sprintf(":%d", base+os.Getpid()%9)
	xvfb := startBackground(t, exec.Command("Xvfb", display, "-screen", "0", screen+"x24", "-nolisten", "tcp"),
		syscall.SIGTERM, 5*time.Second, false)
	// Xvfb is up when its socket takes a connection (the desktop checks
	// its display the same way before it starts).
	socket := "/tmp/.X11-unix/X" + strings.TrimPrefix(display, ":")
	testwait.Until(t, 20*time.Second, func() string {
		if err, ok := xvfb.ended(); ok {
			return fmt.Sprintf("Xvfb on %s exited: %v (another X server on that display?)", display, err)
		}
		c, err := net.Dial("unix", socket)
		if err != nil {
			return "Xvfb did not start on " + display + ": " + err.Error()
		}
		_ = c.Close()
		return ""
	})
	return display
}
