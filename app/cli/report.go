package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/report"
)

const reportUsage = `flashdeck report --config F [--sale ID] [--out report.html]

The post-sale report from the configuration's database (its state_dir):
the sale's timeline, sell-through and sell-out per channel and per SKU,
every outage and what it cost, the flagged orders by rule and what was
done, and the audit of actions. One HTML file with nothing to fetch: open
it in a browser, print it to PDF.

A running collector holds the database: stop it first, or ask its API
(GET /api/v1/report?sale=ID). --sale may be left out when the
configuration has one sale.

`

func reportCmd(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("flashdeck report", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), reportUsage)
		fs.PrintDefaults()
	}
	cfgPath := fs.String("config", "", "configuration file whose state_dir holds the sale (required)")
	saleID := fs.String("sale", "", "the sale's id (default: the configuration's only sale)")
	out := fs.String("out", "report.html", `file to write ("-": standard output)`)
	lng := fs.String("lang", "", "language of the report: en or id (Bahasa Indonesia); default: the system locale")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := i18n.Setup(*lng); err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("flashdeck report takes no arguments (got %q): see flashdeck report -h", strings.Join(fs.Args(), " "))
	}
	if *cfgPath == "" {
		return errors.New("flashdeck report needs --config: the report reads the sale from that configuration's state_dir (the demo's database goes when the demo ends; \"flashdeck simulate --out DIR\" writes a configuration that keeps it)")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	id := *saleID
	if id == "" {
		if len(cfg.Sales) != 1 {
			var ids []string
			for _, s := range cfg.Sales {
				ids = append(ids, s.ID)
			}
			return fmt.Errorf("%s has %d sales (%s): say which with --sale", *cfgPath, len(cfg.Sales), strings.Join(ids, ", "))
		}
		id = cfg.Sales[0].ID
	}
	rep, err := report.Open(cfg, id, log)
	if err != nil {
		if errors.Is(err, report.ErrNoSale) {
			return fmt.Errorf("%s has no sale %q", *cfgPath, id)
		}
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, rep); err != nil {
		return err
	}
	if *out == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "flashdeck report: %s written (%d bytes)\n", abs, buf.Len())
	return nil
}
