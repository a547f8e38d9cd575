// Package demo runs the built-in simulator and describes it as a
// configuration, so the demo, `flashdeck simulate` and the tests all go
// through the same clients and engine as real channels.
package demo

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"go.yaml.in/yaml/v3"
)

// Options for a simulator run.
type Options struct {
	Listen string  // "127.0.0.1:0" by default
	Seed   int64   // 42 by default
	Speed  float64 // sale seconds per wall second; 1 by default
	// Opened is how long ago (sale time) the demo sale opened (default 30 s).
	Opened time.Duration
	// Start pins the sale's opening (RFC 3339), overriding Opened, so a
	// restarted simulator replays exactly the same sale.
	Start string
	// Scenario overrides the demo sale.
	Scenario *simulator.Scenario
	// Clock overrides the sale clock (tests use a manual one).
	Clock *simulator.Clock
}

// Sim is a running simulator with the configuration that reads it.
type Sim struct {
	Server *simulator.Server
	Clock  *simulator.Clock
	// Config reads every simulated channel; credentials come from Env.
	Config *config.Config
	// Env holds the demo credentials by environment variable name.
	Env map[string]string
}

// Start starts the simulator on loopback.
func Start(o Options) (*Sim, error) {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.Opened == 0 {
		o.Opened = 30 * time.Second
	}
	clock := o.Clock
	if clock == nil {
		clock = simulator.NewClock(time.Now(), o.Speed)
	}
	sc := simulator.DemoScenario(clock.Now(), o.Opened, o.Seed)
	if o.Start != "" {
		t, err := time.Parse(time.RFC3339, o.Start)
		if err != nil {
			return nil, fmt.Errorf("sale start %q: %w", o.Start, err)
		}
		sc = simulator.DemoScenario(t, 0, o.Seed)
	}
	if o.Scenario != nil {
		sc = *o.Scenario
	}
	srv, err := simulator.New(sc, clock)
	if err != nil {
		return nil, err
	}
	if _, err := srv.Start(o.Listen); err != nil {
		return nil, err
	}
	cfg, env := ConfigFor(srv)
	return &Sim{Server: srv, Clock: clock, Config: cfg, Env: env}, nil
}

// Close stops the simulator.
func (s *Sim) Close() error { return s.Server.Close() }

// Lookup serves the demo credentials.
func (s *Sim) Lookup() config.Lookup { return config.MapLookup(s.Env) }

// envName is the variable name for a channel's credential: LAZADA_ID_APP_KEY.
func envName(channel, what string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(channel)) + "_" + what
}

// ConfigFor describes a running simulator as a validated configuration.
func ConfigFor(srv *simulator.Server) (*config.Config, map[string]string) {
	sc := srv.Scenario
	cr := srv.Creds
	env := map[string]string{}
	cfg := &config.Config{StateDir: config.DefaultStateDir}
	for _, ch := range sc.Channels {
		c := config.Channel{
			ID: ch.ID, Name: ch.Name, Kind: ch.Kind, Market: ch.Market, BaseURL: srv.BaseURL(ch.ID),
			PollInterval: config.Duration(2 * time.Second), Timeout: config.Duration(5 * time.Second),
			StockInterval: config.Duration(10 * time.Second), MaxCallsPerSecond: 20,
		}
		switch ch.Kind {
		case datasources.KindLazada:
			c.AuthURL = srv.AuthURL(ch.ID)
			c.AppKeyEnv, c.AppSecretEnv = envName(ch.ID, "APP_KEY"), envName(ch.ID, "APP_SECRET")
			c.AccessTokenEnv, c.RefreshTokenEnv = envName(ch.ID, "ACCESS_TOKEN"), envName(ch.ID, "REFRESH_TOKEN")
			env[c.AppKeyEnv], env[c.AppSecretEnv] = cr.LazadaAppKey, cr.LazadaAppSecret
			env[c.AccessTokenEnv], env[c.RefreshTokenEnv] = cr.LazadaAccessToken, cr.LazadaRefreshToken
		case datasources.KindAkulaku:
			// As a real seller's: client credentials, from which the
			// client obtains and renews its own tokens, and the shop.
			c.AppIDEnv, c.PrivateKeyEnv = envName(ch.ID, "APP_ID"), envName(ch.ID, "PRIVATE_KEY")
			c.ClientIDEnv, c.ClientSecretEnv = envName(ch.ID, "CLIENT_ID"), envName(ch.ID, "CLIENT_SECRET")
			c.ShopID = cr.AkulakuShopID
			env[c.AppIDEnv], env[c.PrivateKeyEnv] = cr.AkulakuAppID, cr.AkulakuKeyPEM()
			env[c.ClientIDEnv], env[c.ClientSecretEnv] = cr.AkulakuClientID, cr.AkulakuClientSecret
		case datasources.KindBrandstore:
			c.TokenEnv = envName(ch.ID, "TOKEN")
			env[c.TokenEnv] = cr.StoreToken
		}
		cfg.Channels = append(cfg.Channels, c)
	}
	sale := config.Sale{
		ID: sc.Sale.ID, Name: sc.Sale.Name, Start: sc.Sale.Start, End: sc.Sale.End,
		PerBuyerLimit: sc.Sale.PerBuyerLimit, Currency: "IDR", TimeZone: "Asia/Jakarta",
	}
	sale.SetLocation(sc.Sale.Start.Location())
	for _, k := range sc.SKUs {
		alloc := map[string]int{}
		for _, ch := range sc.Channels {
			if n := ch.Allocated[k.SKU]; n > 0 {
				alloc[ch.ID] = n
			}
		}
		sale.SKUs = append(sale.SKUs, config.SKU{SKU: k.SKU, Name: k.Name, FlashPrice: config.Money(k.FlashPrice), Allocated: alloc})
	}
	cfg.Sales = []config.Sale{sale}
	if wall, saleAt, speed := srv.Clock.Anchor(); speed != 1 {
		cfg.Clock = &config.Clock{WallAt: wall, SaleAt: saleAt, Speed: speed}
	}
	return cfg, env
}

// YAML renders a configuration as flashdeck.yaml text.
func YAML(cfg *config.Config) ([]byte, error) {
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("rendering config: %w", err)
	}
	return b, nil
}

// EnvFile renders credentials as a shell file for `set -a; . file; set +a`.
func EnvFile(env map[string]string) string {
	var b strings.Builder
	b.WriteString("# Demo credentials of the flashdeck simulator: not real secrets.\n")
	for _, k := range slices.Sorted(maps.Keys(env)) {
		// One line per variable: a PEM key's newlines are written as \n,
		// which the Akulaku client accepts (as systemd and CI secrets need).
		v := strings.ReplaceAll(strings.TrimRight(env[k], "\n"), "\n", `\n`)
		fmt.Fprintf(&b, "%s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`))
	}
	return b.String()
}
