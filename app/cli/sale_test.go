package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
)

// TestSaleImportLoadsBack: `flashdeck sale import` against the simulator
// (a sale opening in an hour: every unit still there) writes a sheet,
// from Lazada's special prices and from the brand store's sale fields,
// that loads back as the configured sale on that channel.
func TestSaleImportLoadsBack(t *testing.T) {
	start := time.Now().Add(time.Hour).Truncate(time.Second)
	sim, err := demo.Start(demo.Options{Start: start.Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for k, v := range sim.Env {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	y, err := demo.YAML(sim.Config)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "flashdeck.yaml")
	if err := os.WriteFile(cfgPath, y, 0o600); err != nil {
		t.Fatal(err)
	}
	sale := sim.Config.Sales[0]
	for _, tc := range []struct{ channel, out string }{{"lazada-id", "lazada.xlsx"}, {"micom-id", "micom.csv"}} {
		t.Run(tc.channel, func(t *testing.T) {
			sheet := filepath.Join(dir, tc.out)
			code, out, errs := runMain("sale", "import", "--config", cfgPath, "--channel", tc.channel,
				"--from", sale.Start.Format(time.RFC3339), "--to", sale.End.Format(time.RFC3339), "--out", sheet)
			if code != 0 || out != "" || !strings.Contains(errs, "SKUs of "+tc.channel) {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errs)
			}
			// The same sale on this channel: what the config allocates it.
			var want []config.SKU
			for _, k := range sale.SKUs {
				if n := k.Allocated[tc.channel]; n > 0 {
					want = append(want, config.SKU{SKU: k.SKU, Name: k.Name, FlashPrice: k.FlashPrice, Allocated: map[string]int{tc.channel: n}})
				}
			}
			slices.SortFunc(want, func(a, b config.SKU) int { return strings.Compare(a.SKU, b.SKU) })
			cfg := *sim.Config
			s := sale
			s.SKUs, s.SKUsFile = nil, tc.out
			cfg.Sales = []config.Sale{s}
			y, err := demo.YAML(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "from-"+tc.channel+".yaml")
			if err := os.WriteFile(p, y, 0o600); err != nil {
				t.Fatal(err)
			}
			loaded, err := config.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := loaded.Sales[0].SKUs; len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("loaded back\n%+v\nwant\n%+v", got, want)
			}
		})
	}
	// A window before the sale finds nothing, and says what it left out.
	code, out, errs := runMain("sale", "import", "--config", cfgPath, "--channel", "lazada-id", "--from", "2020-01-01", "--to", "2020-01-02")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(errs, "0 SKUs") || !strings.Contains(errs, "outside the window") {
		t.Errorf("an empty window: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	// Akulaku has no stock API.
	if code, _, errs := runMain("sale", "import", "--config", cfgPath, "--channel", "akulaku-id", "--from", "2020-01-01", "--to", "2030-01-02"); code != 1 || !strings.Contains(errs, "no stock API") {
		t.Errorf("akulaku: exit %d: %s", code, errs)
	}
}

func TestSaleImportUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		errs string
	}{
		{[]string{"sale"}, 2, `unknown subcommand ""`},
		{[]string{"sale", "export"}, 2, `unknown subcommand "export"`},
		{[]string{"sale", "import"}, 2, "--config, --channel, --from and --to are required"},
		{[]string{"sale", "import", "--config", "x.yaml", "--channel", "c", "--from", "yesterday", "--to", "2026-01-01"}, 2, `--from "yesterday" is neither RFC 3339`},
		{[]string{"sale", "import", "--config", "x.yaml", "--channel", "c", "--from", "2026-01-02", "--to", "2026-01-01"}, 2, "is not after --from"},
		{[]string{"sale", "import", "--config", "x.yaml", "--channel", "c", "--from", "2026-01-01", "--to", "2026-01-02", "--out", "x.ods"}, 2, "a sale sheet is .csv or .xlsx"},
		{[]string{"sale", "import", "--config", filepath.Join(t.TempDir(), "x.yaml"), "--channel", "c", "--from", "2026-01-01", "--to", "2026-01-02"}, 2, "no such file"},
		{[]string{"sales"}, 2, `unknown command "sales": did you mean "sale"?`},
	} {
		code, _, errs := runMain(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.errs) {
			t.Errorf("%v: exit %d, %s; want %d and %q", tc.args, code, errs, tc.code, tc.errs)
		}
	}
	if code, out, _ := runMain("sale", "import", "-h"); code != 0 {
		t.Errorf("-h: exit %d %s", code, out)
	}
}
