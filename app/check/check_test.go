package check_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/app/check"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/sources"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// opened is when the demo sale opened; the simulator's clock stands still
// 3 minutes later, so every run reads the same sale.
var opened = time.Date(2026, 11, 23, 14, 0, 0, 0, simulator.WIB)

// rig is the demo's simulated channels (Lazada ID, Akulaku ID, mi.com ID)
// with the configuration and credentials that read them.
type rig struct {
	sim *demo.Sim
	cfg *config.Config
	env map[string]string
}

func startRig(t *testing.T) *rig {
	t.Helper()
	clock := simulator.NewManualClock(opened.Add(3 * time.Minute))
	sc := simulator.DemoScenario(opened, 0, 42)
	sim, err := demo.Start(demo.Options{Clock: clock, Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for i := range sim.Config.Channels {
		// The test reads at test pace, not a real channel's budget.
		sim.Config.Channels[i].MaxCallsPerSecond = 500
	}
	return &rig{sim: sim, cfg: sim.Config, env: sim.Env}
}

// run builds each enabled channel on its own, as `flashdeck check` does,
// and checks them.
func (r *rig) run(t *testing.T, o check.Options) check.Report {
	t.Helper()
	srcs := map[string]datasources.Source{}
	o.Unbuilt = map[string]error{}
	lookup := config.MapLookup(r.env)
	for _, ch := range r.cfg.Channels {
		if !ch.IsEnabled() {
			continue
		}
		src, err := sources.BuildChannel(r.cfg, ch.ID, lookup, r.sim.Clock.Now, nil)
		if err != nil {
			o.Unbuilt[ch.ID] = err
			continue
		}
		srcs[ch.ID] = src
	}
	o.Now = r.sim.Clock.Now
	return check.Run(context.Background(), r.cfg, srcs, o)
}

func (r *rig) fault(t *testing.T, channel string, f simulator.Faults) {
	t.Helper()
	b := r.sim.Server.Book(channel)
	if b == nil {
		t.Fatalf("no channel %s in the simulator", channel)
	}
	b.SetFaults(f)
}

func channelOf(t *testing.T, rep check.Report, id string) check.Channel {
	t.Helper()
	for _, c := range rep.Channels {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no channel %s in the report", id)
	return check.Channel{}
}

func stepOf(t *testing.T, c check.Channel, name string) check.Step {
	t.Helper()
	for _, s := range c.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s: no step %s", c.ID, name)
	return check.Step{}
}

// statuses writes a channel's steps as "reach=ok orders=ok stock=… sale=…".
func statuses(c check.Channel) string {
	var parts []string
	for _, s := range c.Steps {
		parts = append(parts, s.Name+"="+string(s.Status))
	}
	return strings.Join(parts, " ")
}

const (
	allOK       = "reach=ok orders=ok stock=ok sale=ok"
	akulakuOK   = "reach=ok orders=ok stock=not_supported sale=not_supported"
	unreachable = "reach=failed orders=skipped stock=skipped sale=skipped"
	// akulakuDown: what Akulaku cannot do stays "not supported" when it is down.
	akulakuDown = "reach=failed orders=skipped stock=not_supported sale=not_supported"
)

func TestCheckAgainstTheSimulator(t *testing.T) {
	cases := []struct {
		name string
		// setup changes the rig before the check runs.
		setup   func(t *testing.T, r *rig)
		timeout time.Duration
		// want is each channel's steps; ok the verdict.
		want map[string]string
		ok   bool
		// in are words each channel's text (its steps' reasons, details
		// and warnings) must contain.
		in map[string][]string
		// kind is the error kind of a channel's first failure.
		kind map[string]string
	}{
		{
			name: "the demo passes",
			want: map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": allOK},
			ok:   true,
			in: map[string][]string{
				"lazada-id":  {"/seller/get", "all 10 configured SKUs known", "ends 23 Nov 16:00 WIB as configured", "not paused"},
				"akulaku-id": {"order-list call answered", "no stock call", "manual steps"},
				"micom-id":   {"/v1/health", "all 10 configured SKUs known", "as configured"},
			},
		},
		{
			name:  "a channel down",
			setup: func(t *testing.T, r *rig) { r.fault(t, "lazada-id", simulator.Faults{Down: true}) },
			want:  map[string]string{"lazada-id": unreachable, "akulaku-id": akulakuOK, "micom-id": allOK},
			in:    map[string][]string{"lazada-id": {"lazada-id: /seller/get: unavailable", "the channel was not reached"}},
			kind:  map[string]string{"lazada-id": "unavailable"},
		},
		{
			name: "wrong credentials",
			setup: func(t *testing.T, r *rig) {
				r.env["LAZADA_ID_APP_SECRET"] = "not-the-secret"
				r.env["MICOM_ID_TOKEN"] = "not-the-token"
			},
			want: map[string]string{"lazada-id": unreachable, "akulaku-id": akulakuOK, "micom-id": unreachable},
			in:   map[string][]string{"lazada-id": {"signature refused"}, "micom-id": {"micom-id: /v1/health: credentials refused"}},
			kind: map[string]string{"lazada-id": "signature", "micom-id": "auth"},
		},
		{
			name:  "an expired Lazada token is refreshed by the client",
			setup: func(t *testing.T, r *rig) { r.fault(t, "lazada-id", simulator.Faults{TokenExpired: true}) },
			want:  map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": allOK},
			ok:    true,
		},
		{
			name:  "an answer cut off",
			setup: func(t *testing.T, r *rig) { r.fault(t, "akulaku-id", simulator.Faults{Malformed: true}) },
			want:  map[string]string{"lazada-id": allOK, "akulaku-id": akulakuDown, "micom-id": allOK},
			kind:  map[string]string{"akulaku-id": "malformed"},
		},
		{
			name:  "rate limited",
			setup: func(t *testing.T, r *rig) { r.fault(t, "micom-id", simulator.Faults{RateLimited: true}) },
			// The ban outlasts the channel's check time: reported, not waited out.
			timeout: 2 * time.Second,
			want:    map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": unreachable},
		},
		{
			name:    "a channel that hangs",
			setup:   func(t *testing.T, r *rig) { r.fault(t, "micom-id", simulator.Faults{Latency: time.Minute}) },
			timeout: 500 * time.Millisecond,
			want:    map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": unreachable},
			in:      map[string][]string{"micom-id": {"no answer within 500ms", "--timeout"}},
			kind:    map[string]string{"micom-id": "timeout"},
		},
		{
			name: "a configured SKU the channels do not know",
			setup: func(t *testing.T, r *rig) {
				s := &r.cfg.Sales[0]
				s.SKUs = append(s.SKUs, config.SKU{SKU: "POCO-F9-NOPE", Name: "not on sale anywhere", FlashPrice: 100,
					Allocated: map[string]int{"lazada-id": 5, "akulaku-id": 5, "micom-id": 5}})
			},
			want: map[string]string{
				"lazada-id": "reach=ok orders=ok stock=failed sale=ok", "akulaku-id": akulakuOK,
				"micom-id": "reach=ok orders=ok stock=failed sale=ok",
			},
			in: map[string][]string{
				"lazada-id": {"1 of 11 configured SKUs unknown to the channel: POCO-F9-NOPE", "10 of 11 configured SKUs known"},
				"micom-id":  {"POCO-F9-NOPE"},
			},
			kind: map[string]string{"lazada-id": "unknown_sku"},
		},
		{
			name: "a missing environment variable fails its channel only",
			setup: func(t *testing.T, r *rig) {
				delete(r.env, "MICOM_ID_TOKEN")
			},
			want: map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": unreachable},
			in:   map[string][]string{"micom-id": {"token_env", "MICOM_ID_TOKEN is not set", "could not be built"}},
			kind: map[string]string{"micom-id": "config"},
		},
		{
			name: "a closed storefront is skipped",
			setup: func(t *testing.T, r *rig) {
				off := false
				r.cfg.Channels = append(r.cfg.Channels, config.Channel{ID: "poco-global", Name: "POCO global", Kind: datasources.KindBrandstore,
					BaseURL: "https://store.invalid", TokenEnv: "NOT_SET_ANYWHERE", Enabled: &off, ReplacedBy: "micom-id"})
			},
			want: map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": allOK, "poco-global": ""},
			ok:   true,
		},
		{
			name: "campaign-locked stock and a moved end are warnings",
			setup: func(t *testing.T, r *rig) {
				b := r.sim.Server.Book("lazada-id")
				sku := r.cfg.Sales[0].SKUs[0].SKU
				if err := b.SetLocked(sku, 20); err != nil {
					t.Fatal(err)
				}
				if err := b.SetEnd("", r.cfg.Sales[0].End.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			},
			want: map[string]string{"lazada-id": allOK, "akulaku-id": akulakuOK, "micom-id": allOK},
			ok:   true,
			in: map[string][]string{"lazada-id": {
				"locked by a platform campaign", "(20 units)", "4170",
				"ends 23 Nov 17:00 WIB on the channel, configured 23 Nov 16:00 WIB",
			}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := startRig(t)
			if tc.setup != nil {
				tc.setup(t, r)
			}
			rep := r.run(t, check.Options{Timeout: tc.timeout})
			if len(rep.Channels) != len(tc.want) {
				t.Fatalf("%d channels in the report, want %d", len(rep.Channels), len(tc.want))
			}
			for id, want := range tc.want {
				c := channelOf(t, rep, id)
				if got := statuses(c); got != want {
					t.Errorf("%s: %s, want %s\n%s", id, got, want, rep.Text())
				}
				var all strings.Builder
				for _, s := range c.Steps {
					fmt.Fprintln(&all, s.Detail, s.Reason, strings.Join(s.Warnings, " "))
				}
				for _, w := range tc.in[id] {
					if !strings.Contains(all.String(), w) {
						t.Errorf("%s: the steps do not say %q:\n%s", id, w, all.String())
					}
				}
				if k, ok := tc.kind[id]; ok {
					if f := c.FirstFailure(); f == nil || f.ErrorKind != k {
						t.Errorf("%s: first failure %+v, want kind %s", id, f, k)
					}
				}
			}
			if rep.OK != tc.ok {
				t.Errorf("report ok = %v, want %v: %s", rep.OK, tc.ok, rep.Summary)
			}
			if want := map[bool]int{true: 0, false: 1}[tc.ok]; rep.ExitCode != want {
				t.Errorf("exit code %d, want %d", rep.ExitCode, want)
			}
			// Read-only: no action reached any channel.
			for id, ops := range r.sim.Server.Truth().Actions {
				for op, n := range ops {
					if n != 0 {
						t.Errorf("%s: the check sent %d %s actions", id, n, op)
					}
				}
			}
		})
	}
}

func TestSkippedChannelSaysWhy(t *testing.T) {
	r := startRig(t)
	off := false
	r.cfg.Channels = append(r.cfg.Channels, config.Channel{ID: "poco-global", Name: "POCO global", Kind: datasources.KindBrandstore,
		Enabled: &off, ReplacedBy: "micom-id"})
	rep := r.run(t, check.Options{})
	c := channelOf(t, rep, "poco-global")
	if c.Status != check.Skipped || !strings.Contains(c.Reason, "replaced by micom-id") || len(c.Steps) != 0 {
		t.Errorf("closed storefront: %+v", c)
	}
	if !strings.Contains(rep.Summary, "skipped (disabled): POCO global") {
		t.Errorf("summary %q", rep.Summary)
	}
	if got := c.Short(); !strings.Contains(got, "skipped") {
		t.Errorf("short %q", got)
	}
}

// TestManyUnknownSKUsAreListedUpTo20: a typo in a SKU prefix must not
// print a thousand lines.
func TestManyUnknownSKUsAreListedUpTo20(t *testing.T) {
	r := startRig(t)
	s := &r.cfg.Sales[0]
	for i := range 25 {
		s.SKUs = append(s.SKUs, config.SKU{SKU: fmt.Sprintf("TYPO-%02d", i), FlashPrice: 100, Allocated: map[string]int{"micom-id": 1}})
	}
	rep := r.run(t, check.Options{})
	st := stepOf(t, channelOf(t, rep, "micom-id"), check.StepStock)
	if st.Status != check.Failed || !strings.Contains(st.Reason, "25 of 35 configured SKUs unknown") ||
		!strings.Contains(st.Reason, "TYPO-19 … and 5 more") || strings.Contains(st.Reason, "TYPO-20") {
		t.Errorf("stock step: %+v", st)
	}
	c := channelOf(t, rep, "micom-id")
	if len(c.SKUs.Unknown) != 25 {
		t.Errorf("the JSON keeps every unknown SKU: %d", len(c.SKUs.Unknown))
	}
	// lazada-id has none of them allocated: not its failure.
	if got := statuses(channelOf(t, rep, "lazada-id")); got != allOK {
		t.Errorf("lazada-id: %s", got)
	}
}

func TestTextReport(t *testing.T) {
	r := startRig(t)
	r.fault(t, "lazada-id", simulator.Faults{Down: true})
	off := false
	r.cfg.Channels = append(r.cfg.Channels, config.Channel{ID: "poco-global", Name: "POCO global", Kind: datasources.KindBrandstore,
		Enabled: &off, ReplacedBy: "micom-id"})
	r.cfg.Path = "flashdeck.yaml"
	txt := r.run(t, check.Options{}).Text()
	for _, want := range []string{
		"flashdeck check of flashdeck.yaml",
		"Read-only: nothing is paused, resumed, extended or cancelled.",
		"✗ Lazada ID (lazada-id, lazada): FAILED, 0/4 ok",
		"  ✗ reach and credentials",
		"lazada-id: /seller/get: unavailable",
		"  – orders, last hour",
		"skipped: the channel was not reached",
		"✓ Akulaku ID (akulaku-id, akulaku): passed, 2/2 ok (2 not supported)",
		"  – stock",
		"not supported: the channel's API has no stock call",
		"✓ mi.com ID (micom-id, brandstore): passed, 4/4 ok",
		"  ✓ sale state",
		"– POCO global (poco-global, brandstore): skipped, disabled: a closed storefront, replaced by micom-id",
		"FAILED: 2 of 3 enabled channels passed; failed: Lazada ID (reach and credentials); skipped (disabled): POCO global. Exit status 1.",
	} {
		if !strings.Contains(strings.Join(strings.Fields(txt), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the text lacks %q:\n%s", want, txt)
		}
	}
	for i, l := range strings.Split(txt, "\n") {
		if n := utf8.RuneCountInString(l); n > check.Width {
			t.Errorf("line %d is %d columns (at most %d): %q", i+1, n, check.Width, l)
		}
	}
}

func TestJSONShape(t *testing.T) {
	r := startRig(t)
	r.fault(t, "micom-id", simulator.Faults{Down: true})
	b, err := json.Marshal(r.run(t, check.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Config    *string    `json:"config"`
		At        *time.Time `json:"at"`
		SaleClock *time.Time `json:"sale_clock"`
		Timeout   string     `json:"timeout"`
		OK        *bool      `json:"ok"`
		ExitCode  *int       `json:"exit_code"`
		Summary   string     `json:"summary"`
		Channels  []struct {
			ID, Name, Kind, Status string
			DurationMS             *float64 `json:"duration_ms"`
			Orders                 *int     `json:"orders"`
			SKUs                   *struct {
				Configured, Known, Sellable *int
				Unknown                     []string
			} `json:"skus"`
			Sales []struct {
				Sale          string    `json:"sale"`
				ConfiguredEnd time.Time `json:"configured_end"`
				ChannelEnd    time.Time `json:"channel_end"`
				EndDiffers    *bool     `json:"end_differs"`
				Paused        *bool     `json:"paused"`
			} `json:"sales"`
			Steps []struct {
				Name, Title, Status, Reason, Detail string
				ErrorKind                           string   `json:"error_kind"`
				DurationMS                          *float64 `json:"duration_ms"`
			} `json:"steps"`
		} `json:"channels"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if got.At == nil || got.SaleClock == nil || got.OK == nil || *got.OK || got.ExitCode == nil || *got.ExitCode != 1 || got.Timeout != "30s" || got.Summary == "" {
		t.Errorf("top level: %s", b)
	}
	if !got.SaleClock.Equal(opened.Add(3 * time.Minute)) {
		t.Errorf("sale clock %v", got.SaleClock)
	}
	if len(got.Channels) != 3 {
		t.Fatalf("channels: %s", b)
	}
	lz, mi := got.Channels[0], got.Channels[2]
	if lz.ID != "lazada-id" || lz.Kind != "lazada" || lz.Status != "ok" || lz.DurationMS == nil || lz.Orders == nil {
		t.Errorf("lazada: %+v", lz)
	}
	if lz.SKUs == nil || lz.SKUs.Configured == nil || *lz.SKUs.Configured != 10 || *lz.SKUs.Known != 10 || lz.SKUs.Unknown != nil {
		t.Errorf("lazada skus: %+v", lz.SKUs)
	}
	if len(lz.Sales) != 1 || lz.Sales[0].Sale != "poco-m3-launch" || lz.Sales[0].EndDiffers == nil || *lz.Sales[0].EndDiffers ||
		lz.Sales[0].Paused == nil || lz.Sales[0].ChannelEnd.IsZero() {
		t.Errorf("lazada sales: %+v", lz.Sales)
	}
	if len(lz.Steps) != 4 || lz.Steps[0].Name != "reach" || lz.Steps[0].Title != "reach and credentials" || lz.Steps[3].Name != "sale" {
		t.Errorf("lazada steps: %+v", lz.Steps)
	}
	if mi.Status != "failed" || mi.Steps[0].Status != "failed" || mi.Steps[0].ErrorKind != "unavailable" ||
		!strings.Contains(mi.Steps[0].Reason, "micom-id") || mi.Steps[1].Status != "skipped" || mi.Orders != nil || mi.SKUs != nil {
		t.Errorf("micom: %+v", mi)
	}
	if ak := got.Channels[1]; ak.Steps[2].Status != "not_supported" || ak.Steps[3].Status != "not_supported" {
		t.Errorf("akulaku: %+v", ak)
	}
}

func TestShortLines(t *testing.T) {
	r := startRig(t)
	r.fault(t, "micom-id", simulator.Faults{Down: true})
	rep := r.run(t, check.Options{})
	for id, want := range map[string]string{
		"lazada-id":  "Check: 4/4 ok",
		"akulaku-id": "Check: 2/2 ok (2 not supported)",
		"micom-id":   "Check ✗ reach and credentials: micom-id: /v1/health: unavailable",
	} {
		c := channelOf(t, rep, id)
		if got := c.Short(); !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want %q…", id, got, want)
		}
	}
}

// fakeSource is a client that misbehaves as no real one should: it
// panics, or it ignores its context.
type fakeSource struct {
	id    string
	panic bool
	block chan struct{}
}

func (f *fakeSource) ID() string   { return f.id }
func (f *fakeSource) Kind() string { return datasources.KindBrandstore }
func (f *fakeSource) Capabilities() datasources.Capabilities {
	return datasources.Capabilities{Orders: true, Stock: true}
}
func (f *fakeSource) Orders(context.Context, datasources.Cursor) (datasources.OrderPage, error) {
	return datasources.OrderPage{Total: -1}, nil
}
func (f *fakeSource) Stock(_ context.Context, skus []string) ([]datasources.StockReading, error) {
	if f.panic {
		panic("index out of range")
	}
	var out []datasources.StockReading
	for _, s := range skus {
		out = append(out, datasources.StockReading{SKU: s, Sellable: 1})
	}
	return out, nil
}
func (f *fakeSource) Health(context.Context) error {
	if f.block != nil {
		<-f.block // ignores the context
	}
	return nil
}

func TestMisbehavingClientsDoNotTakeTheCheckDown(t *testing.T) {
	r := startRig(t)
	block := make(chan struct{})
	defer close(block)
	srcs := map[string]datasources.Source{
		"lazada-id":  &fakeSource{id: "lazada-id", panic: true},
		"akulaku-id": &fakeSource{id: "akulaku-id", block: block},
		"micom-id":   &fakeSource{id: "micom-id"},
	}
	rep := check.Run(context.Background(), r.cfg, srcs, check.Options{Timeout: 100 * time.Millisecond})
	lz := channelOf(t, rep, "lazada-id")
	if got := statuses(lz); got != "reach=ok orders=ok stock=failed sale=not_supported" || !strings.Contains(lz.Steps[2].Reason, "failed unexpectedly") {
		t.Errorf("a panicking client: %s %+v", got, lz.Steps[2])
	}
	ak := channelOf(t, rep, "akulaku-id")
	if got := statuses(ak); got != "reach=failed orders=skipped stock=skipped sale=not_supported" || !strings.Contains(ak.Steps[0].Reason, "the channel hangs") {
		t.Errorf("a client ignoring its context: %s %+v", got, ak.Steps[0])
	}
	if mi := channelOf(t, rep, "micom-id"); statuses(mi) != "reach=ok orders=ok stock=ok sale=not_supported" {
		t.Errorf("micom: %s", statuses(mi))
	}
}

func TestNoConfig(t *testing.T) {
	rep := check.Run(context.Background(), nil, nil, check.Options{})
	if !rep.OK || rep.ExitCode != 0 || !strings.Contains(rep.Summary, "nothing was checked") {
		t.Errorf("%+v", rep)
	}
	_ = rep.Text()
}
