// Package e2e starts the real flashdeck binary: `simulate` and `serve` as
// separate processes talking HTTP, as a war-room would run them.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"
)

var binary string

func TestMain(m *testing.M) {
	if os.Getenv(roomDesktopsURL) != "" {
		// The room test's desktops, in a process of their own.
		os.Exit(runRoomDesktops())
	}
	dir, err := os.MkdirTemp("", "flashdeck-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "flashdeck")
	// Every process the tests start seals its database with a key of the
	// run's own, not the one in the user's configuration directory.
	os.Setenv("FLASHDECK_DATA_KEY_FILE", filepath.Join(dir, "keys", "data.key"))
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building flashdeck:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running flashdeck process.
type proc struct {
	cmd  *exec.Cmd
	out  chan string
	done chan error
}

func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = &testLog{t: t, prefix: args[0] + ": "}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, out: make(chan string, 1000), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case p.out <- sc.Text():
			default:
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// waitLine waits for a line of output containing s.
func (p *proc) waitLine(t *testing.T, s string) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l := <-p.out:
			if strings.Contains(l, s) {
				return l
			}
		case err := <-p.done:
			t.Fatalf("process ended (%v) before printing %q", err, s)
		case <-timeout:
			t.Fatalf("no %q in output", s)
		}
	}
}

// background is a helper process started for the rest of a test.
type background struct {
	exited chan error // its exit, once; a reader that only looks puts it back
}

// startBackground starts cmd and stops it when the test ends: stop, then
// after grace a kill, which fails the test when strict (a server that
// ignores its stop signal is a bug worth seeing).
func startBackground(t *testing.T, cmd *exec.Cmd, stop os.Signal, grace time.Duration, strict bool) *background {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &background{exited: make(chan error, 1)}
	go func() { b.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(stop)
		select {
		case <-b.exited:
		case <-time.After(grace):
			_ = cmd.Process.Kill()
			<-b.exited
			if strict {
				t.Errorf("%s did not stop on %v", filepath.Base(cmd.Path), stop)
			}
		}
	})
	return b
}

// ended reports whether the process has exited, and how, leaving that
// for the next reader.
func (b *background) ended() (error, bool) {
	select {
	case err := <-b.exited:
		b.exited <- err
		return err, true
	default:
		return nil, false
	}
}

// stop sends SIGTERM and expects a clean exit.
func (p *proc) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("%s exited with %v", p.cmd.Args[1], err)
		}
		p.done <- err
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Errorf("%s did not stop on SIGINT", p.cmd.Args[1])
	}
}

type testLog struct {
	t      *testing.T
	prefix string
}

func (l *testLog) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		l.t.Log(l.prefix + line)
	}
	return len(b), nil
}

func getJSON(url string, v any) error { return getJSONWithin(url, v, 5*time.Second) }

// getJSONWithin is getJSON with its own time limit.
func getJSONWithin(url string, v any, d time.Duration) error {
	req, _ := http.NewRequest("GET", url, nil)
	return doJSON(req, v, d)
}

// doJSON makes a request and decodes its JSON answer, within d.
func doJSON(req *http.Request, v any, d time.Duration) error {
	ctx, cancel := context.WithTimeout(req.Context(), d)
	defer cancel()
	url := req.URL.String()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return fmt.Errorf("%s: %d %s", url, res.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}

type snapshot struct {
	Sales []struct {
		SKUs []struct {
			SKU      string `json:"sku"`
			Channels []struct {
				Channel   string `json:"channel"`
				Sold      int    `json:"sold"`
				Remaining int    `json:"remaining"`
				Allocated int    `json:"allocated"`
				Stale     bool   `json:"stale"`
			} `json:"channels"`
		} `json:"skus"`
	} `json:"sales"`
	Channels []struct {
		ID    string `json:"id"`
		State string `json:"state"`
	} `json:"channels"`
}

type truth struct {
	Sold map[string]map[string]int `json:"sold"`
}

// mismatch says how the snapshot differs from the truth ("" when it agrees).
func mismatch(s snapshot, tr truth, wantState string) string {
	for _, ch := range s.Channels {
		if ch.State != wantState {
			return ch.ID + " is " + ch.State
		}
	}
	if len(s.Sales) == 0 {
		return "no sales"
	}
	for _, k := range s.Sales[0].SKUs {
		for _, c := range k.Channels {
			want := tr.Sold[c.Channel][k.SKU]
			if c.Sold != want || c.Remaining != c.Allocated-want {
				return fmt.Sprintf("%s %s sold %d remaining %d, truth %d", c.Channel, k.SKU, c.Sold, c.Remaining, want)
			}
		}
	}
	return ""
}

func TestSimulateServeKillRestart(t *testing.T) {
	dir := t.TempDir()
	simAddr, apiAddr := freePort(t), freePort(t)
	// A sale that opened three hours ago has played every order already:
	// the figures are final and comparable exactly.
	saleStart := time.Now().Add(-3 * time.Hour).Format(time.RFC3339)
	simArgs := []string{"simulate", "--listen", simAddr, "--out", dir, "--seed", "7", "--sale-start", saleStart}
	sim := start(t, nil, simArgs...)
	sim.waitLine(t, "flashdeck simulate: serving")

	// The printed config and credentials are enough to run a collector.
	envText, err := os.ReadFile(filepath.Join(dir, "flashdeck-sim.env"))
	if err != nil {
		t.Fatal(err)
	}
	env := parseEnv(t, string(envText))
	cfg := filepath.Join(dir, "flashdeck-sim.yaml")
	text, _ := os.ReadFile(cfg)
	text = []byte(strings.Replace(string(text), "state_dir: ./flashdeck-sim-data", "state_dir: "+filepath.Join(dir, "state"), 1))
	os.WriteFile(cfg, text, 0o644)
	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")

	api := "http://" + apiAddr
	var tr truth
	if err := getJSON("http://"+simAddr+"/_sim/truth", &tr); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 60*time.Second, func() string {
		var s snapshot
		if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
			return err.Error()
		}
		return mismatch(s, tr, "ok")
	})
	var metrics string
	testwait.Until(t, 10*time.Second, func() string {
		metrics = fetch(t, api+"/metrics")
		want := fmt.Sprintf(`flashdeck_sku_units_sold{channel="lazada-id",sale="poco-m3-launch",sku="POCO-M3-464-BLK"} %d`, tr.Sold["lazada-id"]["POCO-M3-464-BLK"])
		if !strings.Contains(metrics, want) {
			return "metrics lack " + want
		}
		return ""
	})

	// Kill the simulator: every channel goes down, keeping its last values.
	sim.stop(t)
	testwait.Until(t, 60*time.Second, func() string {
		var s snapshot
		if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
			return err.Error()
		}
		if m := mismatch(s, tr, "down"); m != "" {
			return m
		}
		for _, c := range s.Sales[0].SKUs[0].Channels {
			if !c.Stale {
				return c.Channel + " not stale"
			}
		}
		return ""
	})
	if m := fetch(t, api+"/metrics"); !strings.Contains(m, `flashdeck_channel_up{channel="lazada-id"} 0`) {
		t.Error("metrics do not say lazada-id is down")
	}

	// Restart it: the channels come back by themselves.
	start(t, nil, simArgs...).waitLine(t, "flashdeck simulate: serving")
	testwait.Until(t, 60*time.Second, func() string {
		var s snapshot
		if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
			return err.Error()
		}
		return mismatch(s, tr, "ok")
	})
}

func parseEnv(t *testing.T, text string) []string {
	var env []string
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v = strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'")
		env = append(env, k+"="+strings.ReplaceAll(v, `'\''`, "'"))
	}
	if len(env) == 0 {
		t.Fatal("no credentials in the env file")
	}
	return env
}

func fetch(t *testing.T, url string) string {
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestActionSurvivesAKill kills the collector while a pause is in flight
// (the channel holds its answer) and restarts it: the audit record written
// before the request is found unknown, read back, and settled as applied,
// without the pause being sent again.
func TestActionSurvivesAKill(t *testing.T) {
	dir := t.TempDir()
	simAddr, apiAddr := freePort(t), freePort(t)
	saleStart := time.Now().Add(-10 * time.Minute).Format(time.RFC3339)
	sim := start(t, nil, "simulate", "--listen", simAddr, "--out", dir, "--seed", "7", "--sale-start", saleStart)
	sim.waitLine(t, "flashdeck simulate: serving")
	envText, err := os.ReadFile(filepath.Join(dir, "flashdeck-sim.env"))
	if err != nil {
		t.Fatal(err)
	}
	env := append(parseEnv(t, string(envText)), "FD_TOKEN_AYU=ayu-secret")
	cfg := filepath.Join(dir, "flashdeck-sim.yaml")
	text, _ := os.ReadFile(cfg)
	text = []byte(strings.Replace(string(text), "state_dir: ./flashdeck-sim-data", "state_dir: "+filepath.Join(dir, "state"), 1))
	text = append(text, []byte("users:\n  - {name: ayu, role: operator, token_env: FD_TOKEN_AYU}\n")...)
	os.WriteFile(cfg, text, 0o644)
	simURL := "http://" + simAddr
	api := "http://" + apiAddr

	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")
	// mi.com will apply the next pause and hold its answer for a minute.
	res, err := http.Post(simURL+"/_sim/action-faults/micom-id/pause", "application/json", strings.NewReader(`{"mode":"timeout","delay":"60s"}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("arming the fault: %v %v", err, res)
	}
	res.Body.Close()
	go func() {
		req, _ := http.NewRequest("POST", api+"/api/v1/actions", strings.NewReader(
			`{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"bots","idempotency_key":"crash-1"}`))
		req.Header.Set("Authorization", "Bearer ayu-secret")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close() // the collector is killed before it answers
		}
	}()
	testwait.Until(t, 10*time.Second, func() string {
		var tr struct {
			Actions map[string]map[string]int `json:"actions"`
		}
		if err := getJSON(simURL+"/_sim/truth", &tr); err != nil {
			return err.Error()
		}
		if tr.Actions["micom-id"]["pause"] != 1 {
			return "the pause has not reached mi.com"
		}
		return ""
	})
	if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL: no clean shutdown
		t.Fatal(err)
	}
	<-srv.done
	srv.done <- nil

	srv2 := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv2.waitLine(t, "listening on")
	type audit struct {
		Actions []struct {
			ID      string `json:"id"`
			Results []struct {
				Result  string `json:"result"`
				Message string `json:"message"`
			} `json:"results"`
		} `json:"actions"`
	}
	testwait.Until(t, 30*time.Second, func() string {
		req, _ := http.NewRequest("GET", api+"/api/v1/audit", nil)
		req.Header.Set("Authorization", "Bearer ayu-secret")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer res.Body.Close()
		var a audit
		if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
			return err.Error()
		}
		if len(a.Actions) != 1 || len(a.Actions[0].Results) != 1 {
			return fmt.Sprintf("audit: %+v", a)
		}
		r := a.Actions[0].Results[0]
		if r.Result != "applied" || !strings.Contains(r.Message, "read back") {
			return fmt.Sprintf("result %s %q", r.Result, r.Message)
		}
		return ""
	})
	var tr struct {
		Actions map[string]map[string]int `json:"actions"`
	}
	if err := getJSON(simURL+"/_sim/truth", &tr); err != nil {
		t.Fatal(err)
	}
	if n := tr.Actions["micom-id"]["pause"]; n != 1 {
		t.Errorf("mi.com received %d pauses, want 1 (never resent after the crash)", n)
	}
}
