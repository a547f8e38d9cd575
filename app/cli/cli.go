// Package cli is flashdeck's command line: one binary, several modes
// (DESIGN.md section 6). It does not import Fyne: main.go hands Main the
// desktop to run, so the headless modes and their tests build without a
// display.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"os/user"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/remote"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/app/ui/launch"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// Version is set at build time with -ldflags "-X …/app/cli.Version=…".
var Version = "0.1.0-dev"

// Commit is the git commit, set by the Makefile (-ldflags -X) because a
// build from a copied tree or with -buildvcs=false carries no VCS stamp.
var Commit = ""

// Main runs flashdeck with the given arguments and returns the exit code.
// runDesktop runs the dashboard (main.go passes ui.Run) and blocks until
// its window closes; nil is a build without a desktop.
func Main(args []string, stdout, stderr io.Writer, runDesktop launch.Run) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The texts the collector writes too (the attention list on the wall
	// and in Grafana, the report from the API) are looked up in the
	// system's language, English unless it is Indonesian; the desktop and
	// flashdeck report set theirs again from --lang.
	if _, err := i18n.Setup(""); err != nil {
		log.Warn("translations not loaded: texts stay in English", "err", err)
	}
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return run(stderr, serveCmd(args[1:], stdout, log))
		case "simulate":
			return run(stderr, simulateCmd(args[1:], stdout, log))
		case "check":
			// Its own exit statuses: 1 a channel failed, 2 a config error.
			return checkCmd(args[1:], stdout, stderr, nil)
		case "secret":
			return run(stderr, secretCmd(args[1:], os.Stdin, stdout))
		case "report":
			return run(stderr, reportCmd(args[1:], stdout, log))
		case "sale":
			return run(stderr, saleCmd(args[1:], stdout, stderr, log))
		case "version", "--version", "-version":
			printVersion(stdout)
			return 0
		case "help", "--help", "-h":
			usage(stdout)
			return 0
		}
		// The desktop is started with flags only (flashdeck --config F,
		// flashdeck --remote URL): a first word that is no flag is a
		// command mistyped, not a reason to open a window.
		if !strings.HasPrefix(args[0], "-") {
			return run(stderr, unknownCommand(args[0]))
		}
	}
	return run(stderr, desktopCmd(args, log, runDesktop))
}

// commands are flashdeck's first words, as usage lists them.
var commands = []string{"serve", "simulate", "check", "report", "sale", "secret", "version", "help"}

// usageError is a command line flashdeck cannot read: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func unknownCommand(word string) error {
	hint := ""
	for _, c := range commands {
		if len(word) >= 3 && (strings.HasPrefix(c, word) || strings.HasPrefix(word, c) || closeTo(word, c)) {
			hint = fmt.Sprintf("did you mean %q? ", c)
			break
		}
	}
	return &usageError{fmt.Sprintf("unknown command %q: %sthe commands are %s; the desktop takes flags only (flashdeck --config F, flashdeck --remote URL); flashdeck help says more",
		word, hint, strings.Join(commands, ", "))}
}

// closeTo reports whether a is b with one letter changed, added, dropped
// or two swapped.
func closeTo(a, b string) bool {
	if a == b || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return a == b
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b):
		return a[i+1:] == b[i+1:] || (i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:])
	case len(a) < len(b):
		return a[i:] == b[i+1:]
	default:
		return a[i+1:] == b[i:]
	}
}

func run(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "flashdeck:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// needDisplay says why the desktop cannot open a window here, or nil. On
// Linux and the BSDs a window needs a Wayland compositor or an X display;
// without one, or with an X display nothing answers on (a DISPLAY left
// over from an SSH session or an Xvfb that has gone), Fyne's GLFW
// initialisation fails with a panic and a goroutine dump. Checked before
// anything starts; dial connects to a display server's socket
// (net.DialTimeout in the binary). Where it cannot tell, it leaves the
// choice to GLFW: refusing a display GLFW would open is worse than the
// panic.
func needDisplay(goos string, getenv func(string) string, dial func(network, addr string) error) (dropDisplay bool, err error) {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return false, nil
	}
	const instead = "on a headless machine run `flashdeck serve` (the collector; desktops elsewhere use --remote), or `make run`, which starts the desktop under Xvfb"
	display := getenv("DISPLAY")
	// Which of Wayland and X11 the window will use, as Fyne and GLFW
	// choose: Fyne's FYNE_PLATFORM first, then GLFW's XDG_SESSION_TYPE
	// when it matches the environment, else Wayland if a compositor
	// answers, else X11.
	platform := getenv("FYNE_PLATFORM")
	x11 := platform == "x11" || platform != "wayland" && getenv("XDG_SESSION_TYPE") == "x11" && display != ""
	if !x11 {
		if platform == "wayland" || getenv("WAYLAND_SOCKET") != "" {
			return false, nil // Wayland's alone: left to GLFW
		}
		if getenv("WAYLAND_DISPLAY") != "" {
			// With DISPLAY set too, Fyne moves to X11 (XWayland) under a
			// compositor that draws no window decorations (GNOME's): a
			// DISPLAY that does not answer is dropped, so that the window
			// stays on Wayland rather than fail on X11.
			if display == "" {
				return false, nil
			}
			_, ok := xAnswers(display, goos, dial)
			return !ok, nil
		}
		// Without WAYLAND_DISPLAY, GLFW still tries a compositor's
		// default socket.
		if dir := getenv("XDG_RUNTIME_DIR"); strings.HasPrefix(dir, "/") && dial("unix", path.Join(dir, "wayland-0")) == nil {
			return false, nil
		}
	}
	if display == "" {
		if platform == "x11" {
			return false, errors.New("FYNE_PLATFORM=x11 asks for an X display, and DISPLAY is not set: " + instead)
		}
		return false, errors.New("the desktop needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set: " + instead)
	}
	tried, ok := xAnswers(display, goos, dial)
	if ok {
		return false, nil
	}
	if len(display) > 64 { // outside input: shown bounded
		display = display[:64] + "…"
	}
	return false, fmt.Errorf("the desktop cannot reach the X display DISPLAY=%q (%s): start its X server or set DISPLAY to one that runs; %s",
		display, strings.Join(tried, "; "), instead)
}

// xAnswers reports whether the X server display names answers on one of
// its sockets, or is named in a form not read here (left to GLFW), and
// what each socket tried answered.
func xAnswers(display, goos string, dial func(network, addr string) error) (tried []string, ok bool) {
	addrs := xDisplaySockets(display, goos)
	if len(addrs) == 0 {
		return nil, true
	}
	for _, a := range addrs {
		err := dial(a.network, a.addr)
		if err == nil {
			return nil, true
		}
		tried = append(tried, err.Error())
	}
	return tried, false
}

// xSocket is where an X server listens.
type xSocket struct{ network, addr string }

// xDisplaySockets are the sockets the X display name display
// ("[host]:number[.screen]") is served on, in the order libxcb (under
// Xlib, under GLFW) tries them: a local display's Unix socket (on Linux
// its abstract name first) and, for ":N" but not "unix:N", TCP port
// 6000+N on localhost after it; a remote one's TCP port 6000+N. None for a
// name not of that form, or with a protocol ("tcp/host:0"): those are
// left to GLFW.
func xDisplaySockets(display, goos string) []xSocket {
	i := strings.LastIndexByte(display, ':')
	if i < 0 {
		return nil
	}
	host, num := display[:i], display[i+1:]
	if j := strings.IndexByte(num, '.'); j >= 0 {
		num = num[:j]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 59535 || strings.Contains(host, "/") || strings.HasSuffix(host, ":") {
		// Not a number, a port out of range, a protocol or a launchd
		// socket path, or a DECnet name ("host::0"): not checked.
		return nil
	}
	if host == "" || host == "unix" {
		path := "/tmp/.X11-unix/X" + strconv.Itoa(n)
		socks := []xSocket{{"unix", path}}
		if goos == "linux" {
			socks = []xSocket{{"unix", "@" + path}, {"unix", path}}
		}
		if host == "" {
			socks = append(socks, xSocket{"tcp", net.JoinHostPort("localhost", strconv.Itoa(6000+n))})
		}
		return socks
	}
	return []xSocket{{"tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n))}}
}

// dialDisplay is how the desktop reaches for its X server before it
// starts; the tests' stand-in desktop needs none.
var dialDisplay = dialX

// dialX connects to an X server's socket and hangs up.
func dialX(network, addr string) error {
	c, err := net.DialTimeout(network, addr, 3*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

func usage(w io.Writer) {
	fmt.Fprint(w, `flashdeck — live flash-sale dashboard

  flashdeck                          the dashboard on the built-in demo (simulated channels)
  flashdeck --config flashdeck.yaml  the dashboard on configured channels
  flashdeck --remote URL             the dashboard on a collector (token: $FLASHDECK_TOKEN;
                                     --remote-ca FILE for a private CA)
  flashdeck serve [--config F] [--listen ADDR] [--tls-cert FILE --tls-key FILE | --insecure]
                                     headless collector: /healthz, /metrics, /api/v1/*, and
                                     /webhooks/lazada for Lazada's pushes ("flashdeck serve -h")
  flashdeck simulate [--listen ADDR] [--seed N] [--speed X] [--out DIR] [--scenario demo|launch]
                                     only the simulated channels; writes a ready config
                                     (launch: 1,400 products on 4 channels; --peak, --length,
                                     --stock-for; "flashdeck simulate -h" lists every flag)
  flashdeck check --config F [--json] [--timeout D]
                                     read-only calls to every channel before the sale: what
                                     works, what does not and why ("flashdeck check -h")
  flashdeck report --config F [--sale ID] [--out report.html]
                                     the post-sale report from the database: one HTML file
                                     ("flashdeck report -h")
  flashdeck sale import --config F --channel ID --from T --to T [--out sheet.csv|.xlsx]
                                     the SKUs a channel sells at a special price in the window,
                                     with their stock, as a sale sheet to edit (skus_file:)
  flashdeck secret set NAME | delete NAME
                                     keep a credential in the OS keyring (config: keyring: true)
  flashdeck --version
`)
}

// signalContext ends on SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// open starts a collector on the config file, or on the demo when path is "".
func open(path string, speed float64, log *slog.Logger) (*collector.Collector, *demo.Sim, error) {
	if path == "" {
		sim, err := demo.Start(demo.Options{Speed: speed})
		if err != nil {
			return nil, nil, err
		}
		dir, err := os.MkdirTemp("", "flashdeck-demo-")
		if err != nil {
			sim.Close()
			return nil, nil, err
		}
		sim.Config.StateDir = dir
		c, err := collector.Start(collector.Options{Config: sim.Config, Lookup: sim.Lookup(), Now: sim.Clock.Now, Logger: log})
		if err != nil {
			sim.Close()
			return nil, nil, err
		}
		log.Info("demo: simulated channels", "url", sim.Server.URL(), "speed", speed, "state_dir", dir)
		return c, sim, nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	c, err := collector.Start(collector.Options{Config: cfg, Logger: log})
	return c, nil, err
}

func desktopCmd(args []string, log *slog.Logger, runDesktop launch.Run) error {
	fs := flag.NewFlagSet("flashdeck", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "configuration file (default: the built-in demo)")
	speed := fs.Float64("demo-speed", 10, "demo only: sale seconds per wall second")
	quit := fs.Duration("quit-after", 0, "quit after this long (for tests and screenshot scripts)")
	tab := fs.String("tab", "overview", "view to open on: overview, skus, channels, flagged or actions")
	userName := fs.String("user", os.Getenv("FLASHDECK_USER"), "who sits at this desktop, one of the config's users (default: $FLASHDECK_USER, else the login name)")
	wall := fs.Bool("wall", false, "open in wall mode (full screen, big numbers, cycling sales)")
	remoteURL := fs.String("remote", "", "read a collector (flashdeck serve) at this URL instead of polling the channels; the token comes from $FLASHDECK_TOKEN")
	remoteCA := fs.String("remote-ca", "", "with --remote: PEM file of the CA (or self-signed certificate) behind the collector's TLS certificate")
	version := fs.Bool("version", false, "print the version and exit")
	lng := fs.String("lang", "", "language of the screens: en or id (Bahasa Indonesia); default: the system locale")
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile of the whole run to this file (go tool pprof reads it), for a desktop that takes too much of a core")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lng != "" && !slices.Contains(i18n.Languages, *lng) {
		return &usageError{fmt.Sprintf("--lang %q: flashdeck speaks %s", *lng, strings.Join(i18n.Languages, ", "))}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected %q after the flags: the desktop takes flags only, and a command comes first (flashdeck serve --config F); flashdeck help says more", fs.Arg(0))}
	}
	if *version {
		printVersion(os.Stdout)
		return nil
	}
	if runDesktop == nil {
		return errors.New("this build has no desktop; use `flashdeck serve`")
	}
	drop, err := needDisplay(runtime.GOOS, os.Getenv, dialDisplay)
	if err != nil {
		return err
	}
	if drop {
		log.Warn("DISPLAY does not answer: the desktop stays on Wayland", "DISPLAY", os.Getenv("DISPLAY"))
		os.Unsetenv("DISPLAY")
	}
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if *remoteURL != "" {
		if *cfgPath != "" {
			return errors.New("--remote and --config: choose one (a remote desktop reads the collector's channels, not its own)")
		}
		return remoteDesktop(runDesktop, launch.Options{Logger: log, Quit: *quit, Tab: *tab, Wall: *wall, Lang: *lng}, *remoteURL, *remoteCA, os.Getenv("FLASHDECK_TOKEN"))
	}
	if *remoteCA != "" {
		return errors.New("--remote-ca is for --remote")
	}
	c, sim, err := open(*cfgPath, *speed, log)
	if err != nil {
		return err
	}
	defer func() {
		c.Close()
		if sim != nil {
			sim.Close()
			os.RemoveAll(c.Config.StateDir)
		}
	}()
	name := *userName
	if name == "" {
		name = loginName()
	}
	return runDesktop(launch.Options{Collector: c, Demo: sim, Logger: log, Quit: *quit, Tab: *tab, Wall: *wall, User: name, Lang: *lng})
}

// remoteDesktop runs the desktop on a collector's stream. A wrong token
// stops it at once with the collector's answer; an unreachable collector
// does not: the window opens, shows the collector down, and connects when
// it can.
func remoteDesktop(runDesktop launch.Run, o launch.Options, url, ca, token string) error {
	// The screens redraw once a second (Client.RefreshEvery): the stream
	// need not send the deltas in between, which the desktop would decode
	// and apply for nothing.
	c, err := remote.New(remote.Options{URL: url, Token: token, CAFile: ca, Logger: o.Logger, StreamEvery: time.Second})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	u, err := c.WhoAmI(ctx)
	cancel()
	var refused *remote.RefusedError
	switch {
	case errors.As(err, &refused):
		return err
	case err != nil:
		o.Logger.Warn("collector not reachable yet; the dashboard shows it down and keeps trying", "url", url, "err", err)
	default:
		o.Logger.Info("remote desktop", "collector", url, "user", u.Name, "role", u.Role)
	}
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	go c.Run(runCtx)
	o.Remote = c
	return runDesktop(o)
}

// serveUsage heads `flashdeck serve -h`: what is served, then the flags.
const serveUsage = `flashdeck serve — the headless collector for a war-room: one poller, many desktops

  flashdeck serve [--config F] [--listen ADDR] [--tls-cert FILE --tls-key FILE | --insecure]

Routes:
  GET  /healthz, /metrics                   open, or /metrics behind metrics_token_env
  GET  /api/v1/snapshot, /stream, /whoami, /flags, /audit, /actions/{id}, /attention
                                            any user's bearer token (users in the config);
                                            /stream is Server-Sent Events for flashdeck --remote
  POST /api/v1/actions, /actions/plan, /actions/{id}/retry, /actions/{id}/confirm
                                            an operator's bearer token
  POST /webhooks/lazada                     Lazada's push messages, verified by their signature
                                            (no token): on the Lazada Open Platform console, set
                                            the app's push URL to https://HOST/webhooks/lazada and
                                            subscribe to trade order messages

Listening: with no users configured, loopback only. Any other address needs TLS
(--tls-cert and --tls-key), or --insecure behind a TLS-terminating proxy. Lazada
pushes only to HTTPS with an OV or EV certificate. The certificate is checked at
start: in its validity dates, its key readable by its owner only (chmod 600), and
naming the --listen host (every interface: a warning listing its names).

Flags:
`

func serveCmd(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("flashdeck serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	cfgPath := fs.String("config", "", "configuration file (default: the built-in demo)")
	listen := fs.String("listen", "127.0.0.1:9464", "address to serve on, host:port (an empty host is every interface)")
	certFile := fs.String("tls-cert", "", "serve HTTPS with this certificate chain (PEM file); needs --tls-key")
	keyFile := fs.String("tls-key", "", "the private key of --tls-cert (PEM file, readable by its owner only: chmod 600)")
	insecure := fs.Bool("insecure", false, "allow plain HTTP on an address other than loopback (a TLS-terminating proxy in front)")
	speed := fs.Float64("demo-speed", 1, "demo only: sale seconds per wall second")
	lng := fs.String("lang", "", "language of the texts the collector writes (the attention list, the report from the API): en or id (Bahasa Indonesia); default: the system locale")
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile of the whole run to this file (go tool pprof reads it), for a slow catch-up or a busy collector")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("flashdeck serve takes no arguments (got %q): see flashdeck serve -h", strings.Join(fs.Args(), " "))
	}
	if *lng != "" {
		if _, err := i18n.Setup(*lng); err != nil {
			return fmt.Errorf("--lang: %w", err)
		}
	}
	// The certificate is read before anything starts: a bad file fails at
	// once, naming the flag and the file.
	tlsCfg, err := serve.LoadTLS(*certFile, *keyFile)
	if err != nil {
		return err
	}
	// And checked against where it is served: what no client could
	// verify stops here; what clients must do is said once.
	warnings, err := serve.CheckCertificate(tlsCfg, *certFile, *listen)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		log.Warn(w)
	}
	if tlsCfg != nil && *insecure {
		return errors.New("--insecure allows plain HTTP, and --tls-cert/--tls-key serve HTTPS: give one or the other")
	}
	if err := serve.CheckListen(serve.ListenConfig{Addr: *listen, TLS: tlsCfg, Insecure: *insecure}); err != nil {
		return err
	}
	if *cpuProfile != "" {
		// From before the collector opens: a restart's replay and its
		// catch-up are what a profile is most often wanted for.
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	c, sim, err := open(*cfgPath, *speed, log)
	if err != nil {
		return err
	}
	defer func() {
		if sim != nil {
			sim.Close()
			os.RemoveAll(c.Config.StateDir)
		}
	}()
	defer c.Close()
	api, err := serve.New(serve.Options{Config: c.Config, Engine: c.Engine, Metrics: c.Metrics, Actions: c.Actions, Logger: log, Lookup: lookupFor(sim, c.Config), Attention: c.Attention.List})
	if err != nil {
		return err
	}
	ln, err := serve.Listen(serve.ListenConfig{Addr: *listen, TLS: tlsCfg, Insecure: *insecure, Open: !api.AuthRequired()})
	if err != nil {
		return err
	}
	srv := serve.HTTPServer(*listen, api.Handler())
	srv.RegisterOnShutdown(api.CloseStreams)
	log.Info("serving", "url", ln.URL, "tls", tlsCfg != nil, "config", c.Config.Path, "auth", api.AuthRequired())
	if tlsCfg == nil && !config.IsLoopback(hostOf(*listen)) {
		log.Warn("serving plain HTTP beyond loopback (--insecure): tokens cross the network in clear text unless a TLS proxy stands in front", "listen", *listen)
	}
	fmt.Fprintf(stdout, "flashdeck serve: listening on %s\n", ln.URL)
	ctx, stop := signalContext()
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- ln.Serve(srv) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// A client that stopped reading holds its request open; stopping
		// is what was asked, so close what is left rather than fail.
		log.Warn("closing the connections still open after 5 s", "err", err)
		_ = srv.Close()
	}
	return nil
}

// hostOf is the host of host:port ("" when it has none).
func hostOf(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	return host
}

func lookupFor(sim *demo.Sim, cfg *config.Config) config.Lookup {
	if sim != nil {
		return sim.Lookup()
	}
	return cfg.DefaultLookup()
}

// secretCmd stores or removes a credential in the OS keyring. The value is
// read from standard input, so it never appears in a shell history.
func secretCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 2 || (args[0] != "set" && args[0] != "delete") {
		return errors.New("usage: flashdeck secret set NAME (value on standard input) | flashdeck secret delete NAME")
	}
	name := args[1]
	if err := config.CheckSecretName(name); err != nil {
		return err
	}
	if args[0] == "delete" {
		if err := config.DeleteKeyring(name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %s from the OS keyring\n", name)
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, 64<<10))
	if err != nil {
		return err
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return fmt.Errorf("no value for %s on standard input", name)
	}
	if err := config.SetKeyring(name, v); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "stored %s in the OS keyring (service %q)\n", name, config.KeyringService)
	return nil
}

func simulateCmd(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("flashdeck simulate", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8700", "address to serve the simulated channels on (loopback)")
	seed := fs.Int64("seed", 42, "seed of the simulated sale: the same seed plays the same orders")
	speed := fs.Float64("speed", 1, "sale seconds per wall second")
	out := fs.String("out", ".", "directory to write flashdeck-sim.yaml and flashdeck-sim.env into")
	startAt := fs.String("sale-start", "", "when the simulated sale opens, RFC 3339 (default: 30 s ago); the same seed and start replay the same orders")
	scenario := fs.String("scenario", "demo", "demo (10 POCO/Xiaomi products on 3 channels) or launch (1,400 products on 4 channels, for benchmarks)")
	peak := fs.Float64("peak", simulator.LaunchPeakPerMinute, "launch only: orders a minute at the peak, all channels together")
	length := fs.Duration("length", 10*time.Minute, "launch only: how long the sale lasts (sale time)")
	stockFor := fs.Duration("stock-for", 0, "launch only: stock is allocated for the demand of this much of the sale (default: all of it)")
	poll := fs.Duration("poll-interval", 2*time.Second, "poll interval written into the config")
	calls := fs.Float64("max-calls-per-second", 20, "max_calls_per_second written into the config")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scenario != "demo" && *scenario != "launch" {
		return fmt.Errorf("--scenario %q: use demo or launch", *scenario)
	}
	if *peak <= 0 || *length <= 0 || *stockFor < 0 {
		return fmt.Errorf("--peak, --length and --stock-for must be positive")
	}
	if *poll < 100*time.Millisecond || *calls <= 0 {
		return fmt.Errorf("--poll-interval must be at least 100ms and --max-calls-per-second above 0")
	}
	if *startAt != "" {
		if _, err := time.Parse(time.RFC3339, *startAt); err != nil {
			return fmt.Errorf("--sale-start %q: not an RFC 3339 time (e.g. 2026-11-23T14:00:00+07:00)", *startAt)
		}
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !config.IsLoopback(host) {
		return fmt.Errorf("--listen %q: the simulator serves on loopback only (e.g. 127.0.0.1:8700)", *listen)
	}
	if *speed <= 0 || *speed > 10000 {
		return fmt.Errorf("--speed %v: must be above 0 and at most 10000", *speed)
	}
	opt := demo.Options{Listen: *listen, Seed: *seed, Speed: *speed, Start: *startAt}
	if *scenario == "launch" {
		opt.Clock = simulator.NewClock(time.Now(), *speed)
		open := opt.Clock.Now().Add(-30 * time.Second)
		if *startAt != "" {
			open, _ = time.Parse(time.RFC3339, *startAt)
		}
		sc := simulator.LaunchScenario(open, *length, *stockFor, *peak, *seed)
		opt.Scenario = &sc
	}
	sim, err := demo.Start(opt)
	if err != nil {
		return err
	}
	defer sim.Close()
	sim.Config.StateDir = "./flashdeck-sim-data"
	for i := range sim.Config.Channels {
		sim.Config.Channels[i].PollInterval = config.Duration(*poll)
		sim.Config.Channels[i].MaxCallsPerSecond = *calls
	}
	y, err := demo.YAML(sim.Config)
	if err != nil {
		return err
	}
	cfgFile := filepath.Join(*out, "flashdeck-sim.yaml")
	envFile := filepath.Join(*out, "flashdeck-sim.env")
	header := "# Written by `flashdeck simulate`: the simulated channels at " + sim.Server.URL() + "\n"
	if err := os.WriteFile(cfgFile, append([]byte(header), y...), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(envFile, []byte(demo.EnvFile(sim.Env)), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s%s\n", header, y)
	fmt.Fprintf(stdout, "# Config written to %s, demo credentials to %s. Next:\n#   set -a; . %s; set +a\n#   flashdeck serve --config %s\n",
		cfgFile, envFile, envFile, cfgFile)
	fmt.Fprintf(stdout, "flashdeck simulate: serving %s (seed %d, speed %gx); ground truth at %s/_sim/truth\n",
		sim.Server.URL(), *seed, *speed, sim.Server.URL())
	log.Info("simulating", "url", sim.Server.URL())
	ctx, stop := signalContext()
	defer stop()
	<-ctx.Done()
	return nil
}

func printVersion(w io.Writer) {
	commit, fyneV := Commit, "none"
	if commit == "" {
		commit = "unknown"
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && Commit == "" {
				commit = s.Value
			}
		}
		for _, d := range bi.Deps {
			if d.Path == "fyne.io/fyne/v2" {
				fyneV = d.Version
			}
		}
	}
	fmt.Fprintf(w, "flashdeck %s (commit %s, %s, Fyne %s, %s/%s)\n", Version, commit, runtime.Version(), fyneV, runtime.GOOS, runtime.GOARCH)
}

// loginName is the operating system's name for who is logged in.
func loginName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "desktop"
}

// startCPUProfile writes a CPU profile to path until the returned function
// is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpu-profile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
