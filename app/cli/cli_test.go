package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/ui/launch"
)

// testDesktop is the desktop runMain hands Main (nil: none); stubDesktop
// sets it.
var testDesktop launch.Run

func runMain(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb, testDesktop)
	return code, out.String(), errb.String()
}

func TestServeHelpNamesTheFlagsAndTheWebhook(t *testing.T) {
	code, out, _ := runMain("serve", "-h")
	if code != 0 {
		t.Fatalf("serve -h: exit %d", code)
	}
	for _, want := range []string{"-tls-cert", "-tls-key", "-insecure", "-listen", "POST /webhooks/lazada", "push URL", "https://HOST/webhooks/lazada", "loopback only"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve -h lacks %q:\n%s", want, out)
		}
	}
	if _, out, _ := runMain("help"); !strings.Contains(out, "--tls-cert") || !strings.Contains(out, "/webhooks/lazada") {
		t.Errorf("flashdeck help lacks the serve flags:\n%s", out)
	}
}

// TestServeRefusesBeforeStarting: flag mistakes are found before the
// collector starts, and the message says what to do.
func TestServeRefusesBeforeStarting(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--tls-cert", garbage}, []string{"--tls-cert and --tls-key go together"}},
		{[]string{"--tls-key", garbage}, []string{"--tls-cert and --tls-key go together"}},
		{[]string{"--tls-cert", missing, "--tls-key", garbage}, []string{"--tls-cert " + missing, "no such file"}},
		{[]string{"--tls-cert", garbage, "--tls-key", garbage}, []string{"--tls-cert " + garbage, "not a PEM certificate"}},
		{[]string{"--listen", "0.0.0.0:0"}, []string{"--listen 0.0.0.0:0 is not a loopback address", "--tls-cert and --tls-key", "--insecure"}},
		{[]string{"--listen", ":0"}, []string{"every interface"}},
		{[]string{"--listen", "nowhere"}, []string{`--listen "nowhere"`}},
		{[]string{"extra"}, []string{"takes no arguments"}},
		{[]string{"--lang", "fr"}, []string{`--lang: language "fr": flashdeck speaks en, id`}},
		{[]string{"--cpu-profile", "/nonexistent/dir/cpu.prof"}, []string{"--cpu-profile: open /nonexistent/dir/cpu.prof"}},
	}
	for _, c := range cases {
		code, _, stderr := runMain(append([]string{"serve"}, c.args...)...)
		if code != 1 {
			t.Errorf("serve %v: exit %d, want 1", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("serve %v: %q lacks %q", c.args, stderr, w)
			}
		}
		if strings.Contains(stderr, "demo: simulated channels") {
			t.Errorf("serve %v started the collector before refusing", c.args)
		}
	}
}

func TestServeWithoutUsersStaysOnLoopbackEvenWhenInsecure(t *testing.T) {
	code, _, stderr := runMain("serve", "--listen", "0.0.0.0:0", "--insecure")
	if code != 1 || !strings.Contains(stderr, "no users are configured") || !strings.Contains(stderr, "loopback only") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// stubDesktop replaces the desktop for a test, and the X server it would
// reach for with one that always answers, and reports whether it ran.
func stubDesktop(t *testing.T) *bool {
	t.Helper()
	ran := false
	old, oldDial := testDesktop, dialDisplay
	testDesktop = func(launch.Options) error { ran = true; return nil }
	dialDisplay = func(string, string) error { return nil } // any DISPLAY answers
	t.Cleanup(func() { testDesktop, dialDisplay = old, oldDial })
	return &ran
}

// TestUnknownCommand: a first word that is not a command is refused on
// stderr with exit status 2 and the list of commands; it never opens the
// desktop. A first word starting with - is the desktop's flags.
func TestUnknownCommand(t *testing.T) {
	t.Setenv("DISPLAY", ":99")
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"bogus"}, 2, []string{`flashdeck: unknown command "bogus": the commands are serve, simulate, check, report, sale, secret, version, help; the desktop takes flags only (flashdeck --config F, flashdeck --remote URL)`}},
		{[]string{"bogus", "--config", "f.yaml"}, 2, []string{`unknown command "bogus"`}},
		{[]string{"serv"}, 2, []string{`unknown command "serv": did you mean "serve"?`}},
		{[]string{"simulat", "--seed", "1"}, 2, []string{`did you mean "simulate"?`}},
		{[]string{"chekc"}, 2, []string{`did you mean "check"?`}},
		{[]string{"secrets"}, 2, []string{`did you mean "secret"?`}},
		{[]string{"run"}, 2, []string{`unknown command "run": the commands are`}},
		{[]string{""}, 2, []string{`unknown command ""`}},
		{[]string{"--config", "f.yaml", "serve"}, 2, []string{`flashdeck: unexpected "serve" after the flags: the desktop takes flags only, and a command comes first (flashdeck serve --config F)`}},
		// Flags first: the desktop's, read as such.
		{[]string{"--remote-ca", "ca.pem"}, 1, []string{"flashdeck: --remote-ca is for --remote"}},
		{[]string{"-remote-ca", "ca.pem"}, 1, []string{"--remote-ca is for --remote"}},
		{[]string{"--lang", "fr"}, 2, []string{`flashdeck: --lang "fr": flashdeck speaks en, id`}},
		{[]string{"report", "--lang", "ms", "--config", "f.yaml"}, 1, []string{`flashdeck: --lang: language "ms": flashdeck speaks en, id`}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			ran := stubDesktop(t)
			code, stdout, stderr := runMain(tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 {
				t.Errorf("want one line on stderr, got:\n%s", stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if *ran {
				t.Error("the desktop was started")
			}
		})
	}
	for _, c := range commands {
		if !closeTo(c+"x", c) || closeTo(c, "zzz") {
			t.Errorf("closeTo(%q…)", c)
		}
	}
}

// TestDesktopWithoutADisplay: with neither DISPLAY nor WAYLAND_DISPLAY the
// desktop stops at once with one line saying what to run instead, before
// anything (the demo, a collector) starts.
func TestDesktopWithoutADisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the display is checked on Linux and the BSDs")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("WAYLAND_SOCKET", "")
	t.Setenv("XDG_RUNTIME_DIR", "") // no compositor's default socket either
	t.Setenv("FYNE_PLATFORM", "")
	for _, args := range [][]string{nil, {"--tab", "skus"}, {"--remote", "https://collector.example.com:9464"}} {
		ran := stubDesktop(t)
		code, _, stderr := runMain(args...)
		want := "flashdeck: the desktop needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set: on a headless machine run `flashdeck serve`"
		if code != 1 || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "`make run`, which starts the desktop under Xvfb") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, stderr)
		}
		if *ran || strings.Contains(stderr, "demo:") {
			t.Errorf("%v: started before refusing:\n%s", args, stderr)
		}
	}
	// Flags that open no window still work.
	if code, out, _ := runMain("--version"); code != 0 || !strings.HasPrefix(out, "flashdeck ") {
		t.Errorf("--version without a display: exit %d, %q", code, out)
	}
}

func TestNeedDisplay(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	// X servers that listen on the path form of display 7's socket, and
	// on localhost's TCP port 6011 (display 11) only; a Wayland compositor
	// on the default socket of /run/user/1000.
	serving := func(network, addr string) error {
		if network == "unix" && addr == "/tmp/.X11-unix/X7" || network == "tcp" && addr == "localhost:6011" ||
			network == "unix" && addr == "/run/user/1000/wayland-0" {
			return nil
		}
		return fmt.Errorf("dial %s %s: refused", network, addr)
	}
	cases := []struct {
		goos   string
		getenv func(string) string
		want   string // in the error; "" for none
		drop   bool   // DISPLAY dropped: the window stays on Wayland
	}{
		{"linux", env(), "neither DISPLAY nor WAYLAND_DISPLAY is set", false},
		{"linux", env("DISPLAY", ":7"), "", false},
		{"linux", env("DISPLAY", ":11"), "", false}, // no Unix socket: libxcb goes on to localhost's TCP port, as here
		{"linux", env("DISPLAY", "unix:7.0"), "", false},
		{"linux", env("DISPLAY", "localhost:11.0"), "", false},
		{"linux", env("WAYLAND_DISPLAY", "wayland-0"), "", false},
		// Fyne would move to X11 under GNOME: a DISPLAY that answers is
		// kept, one that does not dropped.
		{"linux", env("WAYLAND_DISPLAY", "wayland-0", "DISPLAY", ":7"), "", false},
		{"linux", env("WAYLAND_DISPLAY", "wayland-0", "DISPLAY", ":55"), "", true},
		{"linux", env("WAYLAND_SOCKET", "3", "DISPLAY", ":55"), "", false},
		// GLFW finds a compositor on its default socket without WAYLAND_DISPLAY
		// (a shell under tmux or su), whatever DISPLAY says.
		{"linux", env("XDG_RUNTIME_DIR", "/run/user/1000"), "", false},
		{"linux", env("XDG_RUNTIME_DIR", "/run/user/1000", "DISPLAY", ":55"), "", false},
		{"linux", env("XDG_RUNTIME_DIR", "/run/user/1001", "DISPLAY", ":55"), `DISPLAY=":55"`, false},
		{"linux", env("XDG_RUNTIME_DIR", "/run/user/1001"), "neither DISPLAY nor WAYLAND_DISPLAY", false},
		{"linux", env("FYNE_PLATFORM", "wayland", "DISPLAY", ":55"), "", false},
		// X11 asked for, by Fyne's FYNE_PLATFORM or the session (GLFW):
		// the compositor does not count.
		{"linux", env("FYNE_PLATFORM", "x11", "WAYLAND_DISPLAY", "wayland-0", "DISPLAY", ":55"), `DISPLAY=":55"`, false},
		{"linux", env("FYNE_PLATFORM", "x11", "WAYLAND_DISPLAY", "wayland-0"), "FYNE_PLATFORM=x11 asks for an X display, and DISPLAY is not set", false},
		{"linux", env("XDG_SESSION_TYPE", "x11", "XDG_RUNTIME_DIR", "/run/user/1000", "DISPLAY", ":55"), `DISPLAY=":55"`, false},
		{"linux", env("XDG_SESSION_TYPE", "x11", "XDG_RUNTIME_DIR", "/run/user/1000", "DISPLAY", ":7"), "", false},
		{"linux", env("XDG_SESSION_TYPE", "x11", "XDG_RUNTIME_DIR", "/run/user/1000"), "", false}, // no DISPLAY: GLFW detects, Wayland answers
		{"linux", env("DISPLAY", ":55"), `cannot reach the X display DISPLAY=":55" (dial unix @/tmp/.X11-unix/X55: refused; dial unix /tmp/.X11-unix/X55: refused; dial tcp localhost:6055: refused): start its X server`, false},
		{"linux", env("DISPLAY", "localhost:10.0"), `DISPLAY="localhost:10.0" (dial tcp localhost:6010: refused)`, false},
		{"linux", env("DISPLAY", "/private/tmp/com.apple.launchd.x/org.xquartz:0"), "", false}, // not read here: left to GLFW
		{"linux", env("DISPLAY", "nonsense"), "", false},
		{"linux", env("DISPLAY", ":"+strings.Repeat("9", 100)), "", false},
		{"linux", env("DISPLAY", strings.Repeat("x", 100)+":3"), `xxxx…" (`, false},
		{"freebsd", env(), "neither DISPLAY", false},
		{"openbsd", env("DISPLAY", ""), "neither DISPLAY", false},
		{"darwin", env(), "", false},
		{"windows", env(), "", false},
	}
	for _, tc := range cases {
		drop, err := needDisplay(tc.goos, tc.getenv, serving)
		if drop != tc.drop {
			t.Errorf("%s DISPLAY=%q WAYLAND_DISPLAY=%q: DISPLAY dropped %v, want %v", tc.goos, tc.getenv("DISPLAY"), tc.getenv("WAYLAND_DISPLAY"), drop, tc.drop)
		}
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s DISPLAY=%q: %v, want no error", tc.goos, tc.getenv("DISPLAY"), err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s DISPLAY=%q: %v, want an error saying %q", tc.goos, tc.getenv("DISPLAY"), err, tc.want)
		case err != nil && !strings.Contains(err.Error(), "flashdeck serve"):
			t.Errorf("%s DISPLAY=%q: %v does not say what to run instead", tc.goos, tc.getenv("DISPLAY"), err)
		}
	}
}

// TestXDisplaySockets: the sockets a display name is served on, as Xlib
// reads the name.
func TestXDisplaySockets(t *testing.T) {
	cases := []struct {
		display, goos string
		want          []xSocket
	}{
		{":0", "linux", []xSocket{{"unix", "@/tmp/.X11-unix/X0"}, {"unix", "/tmp/.X11-unix/X0"}, {"tcp", "localhost:6000"}}},
		{":99.1", "linux", []xSocket{{"unix", "@/tmp/.X11-unix/X99"}, {"unix", "/tmp/.X11-unix/X99"}, {"tcp", "localhost:6099"}}},
		{":1", "openbsd", []xSocket{{"unix", "/tmp/.X11-unix/X1"}, {"tcp", "localhost:6001"}}},
		{"unix:3", "freebsd", []xSocket{{"unix", "/tmp/.X11-unix/X3"}}},
		{"unix:3", "linux", []xSocket{{"unix", "@/tmp/.X11-unix/X3"}, {"unix", "/tmp/.X11-unix/X3"}}},
		{"tcp/localhost:0", "linux", nil},
		{"unix/:0", "linux", nil},
		{"localhost:10.0", "linux", []xSocket{{"tcp", "localhost:6010"}}},
		{"192.0.2.7:1", "linux", []xSocket{{"tcp", "192.0.2.7:6001"}}},
		{"[2001:db8::1]:2", "linux", []xSocket{{"tcp", "[2001:db8::1]:6002"}}},
		{"host::0", "linux", nil}, // DECnet
		{"/tmp/launchd-1/org.xquartz:0", "linux", nil},
		{"", "linux", nil},
		{":", "linux", nil},
		{":-1", "linux", nil},
		{":x", "linux", nil},
		{":59536", "linux", nil}, // port 65536
	}
	for _, tc := range cases {
		if got := xDisplaySockets(tc.display, tc.goos); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s on %s: %v, want %v", tc.display, tc.goos, got, tc.want)
		}
	}
}

// TestSecretNameIsNotTheSecret: a value typed where flashdeck secret takes
// a variable's name is refused before standard input is read, and not
// repeated.
func TestSecretNameIsNotTheSecret(t *testing.T) {
	const pasted = "sk_live_51HxYzAbCdEfGhIjKlMn"
	for _, op := range []string{"set", "delete"} {
		var out, errb bytes.Buffer
		code := run(&errb, secretCmd([]string{op, pasted}, strings.NewReader(""), &out))
		if code != 1 || !strings.Contains(errb.String(), "looks like a value rather than a variable name") || strings.Contains(errb.String()+out.String(), pasted) {
			t.Errorf("secret %s: exit %d, %q %q", op, code, out.String(), errb.String())
		}
	}
}
