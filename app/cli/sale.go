package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/salesheet"
	"github.com/flashdeck/flashdeck/app/sources"
	"github.com/flashdeck/flashdeck/datasources"
)

const saleImportUsage = `flashdeck sale import --config F --channel ID --from T --to T [--out sheet.csv|sheet.xlsx]

Finds the SKUs a channel already sells at a special price within the
window [--from, --to] and with stock now, and writes them as a sale sheet
to edit (flash price: the channel's special price; the channel's column:
its sellable stock now). Point a sale's skus_file: at the edited sheet.
Lazada: the products' special_price with special_from_time/special_to_time
(GetProducts); the brand store: each SKU's sale_price, sale_start and
sale_end (/v1/stock). Akulaku has no stock API to read them from.
Only reads: nothing is changed on the channel.

Times: RFC 3339 (2026-11-23T14:00:00+07:00) or a date (2026-11-23, the
whole day in the channel's sale zone, --tz). Without --out the sheet is
written to stdout as CSV.

`

// saleCmd runs `flashdeck sale SUBCOMMAND`.
func saleCmd(args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	if len(args) == 0 || args[0] != "import" {
		word := ""
		if len(args) > 0 {
			word = args[0]
		}
		if word == "-h" || word == "--help" || word == "help" {
			fmt.Fprint(stdout, saleImportUsage)
			return nil
		}
		return &usageError{fmt.Sprintf("sale: unknown subcommand %q: the one subcommand is import (flashdeck sale import -h)", word)}
	}
	fs := flag.NewFlagSet("flashdeck sale import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), saleImportUsage)
		fs.PrintDefaults()
	}
	cfgPath := fs.String("config", "", "configuration naming the channel and its credentials (required)")
	channel := fs.String("channel", "", "channel id to read (required)")
	fromS := fs.String("from", "", "window start (required)")
	toS := fs.String("to", "", "window end (required)")
	tz := fs.String("tz", "Asia/Jakarta", "time zone of a date-only --from/--to")
	out := fs.String("out", "", "sheet to write, .csv or .xlsx (stdout, CSV, when empty)")
	timeout := fs.Duration("timeout", 2*time.Minute, "bound on reading the channel's catalogue")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &usageError{err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{fmt.Sprintf("sale import: unexpected argument %q", fs.Arg(0))}
	case *cfgPath == "" || *channel == "" || *fromS == "" || *toS == "":
		return &usageError{"sale import: --config, --channel, --from and --to are required (flashdeck sale import -h)"}
	case *out != "" && !slices.Contains([]string{".csv", ".xlsx"}, strings.ToLower(filepath.Ext(*out))):
		return &usageError{fmt.Sprintf("sale import: --out %s: a sale sheet is .csv or .xlsx", *out)}
	case *timeout <= 0:
		return &usageError{"sale import: --timeout must be above 0"}
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return &usageError{fmt.Sprintf("sale import: --tz %q is not a time zone (e.g. Asia/Jakarta)", *tz)}
	}
	from, err := windowTime("--from", *fromS, loc, false)
	if err != nil {
		return err
	}
	to, err := windowTime("--to", *toS, loc, true)
	if err != nil {
		return err
	}
	if !to.After(from) {
		return &usageError{fmt.Sprintf("sale import: --to %s is not after --from %s", to.Format(time.RFC3339), from.Format(time.RFC3339))}
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return &usageError{fmt.Sprintf("the config is not valid; nothing was read:\n%v", err)}
	}
	now := time.Now
	if cfg.Clock != nil {
		now = cfg.Clock.Now
	}
	src, err := sources.BuildChannel(cfg, *channel, cfg.DefaultLookup(), now, log)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	rows, rep, err := discoverSale(ctx, src, from, to, knownNames(cfg))
	if err != nil {
		return err
	}
	if *out == "" {
		if err := salesheet.WriteCSV(stdout, []string{src.ID()}, rows); err != nil {
			return err
		}
	} else if err := salesheet.Write(*out, []string{src.ID()}, rows); err != nil {
		return err
	}
	where := *out
	if where == "" {
		where = "stdout"
	}
	fmt.Fprintf(stderr, "flashdeck sale import: %d SKUs of %s with a special price in %s – %s and stock now, %d units, written to %s",
		len(rows), src.ID(), from.Format(time.RFC3339), to.Format(time.RFC3339), rep.units, where)
	if rep.outside > 0 || rep.noStock > 0 {
		fmt.Fprintf(stderr, " (left out: %d with a special price outside the window, %d without stock)", rep.outside, rep.noStock)
	}
	fmt.Fprintln(stderr)
	return nil
}

// windowTime reads --from/--to: RFC 3339, or a date meaning its first
// (or, for an end, its last) moment in loc.
func windowTime(flagName, s string, loc *time.Location, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			return d.AddDate(0, 0, 1).Add(-time.Second), nil
		}
		return d, nil
	}
	return time.Time{}, &usageError{fmt.Sprintf("sale import: %s %q is neither RFC 3339 (2026-11-23T14:00:00+07:00) nor a date (2026-11-23)", flagName, s)}
}

// knownNames are the names the config gives SKUs: a channel's stock
// reading has none, and a sheet with names is easier to edit.
func knownNames(cfg *config.Config) map[string]string {
	out := map[string]string{}
	for _, s := range cfg.Sales {
		for _, k := range s.SKUs {
			if k.Name != "" {
				out[k.SKU] = k.Name
			}
		}
	}
	return out
}

// importReport counts what discoverSale left out.
type importReport struct {
	units, outside, noStock int
}

// discoverSale reads the channel's whole catalogue and keeps the SKUs
// whose special price runs within [from, to] (its window overlaps it)
// and that have sellable stock now, in SKU order: one sheet row each,
// the special price as flash price and the stock as the channel's
// allocation.
func discoverSale(ctx context.Context, src datasources.Source, from, to time.Time, names map[string]string) ([]salesheet.Row, importReport, error) {
	var rep importReport
	if !src.Capabilities().Stock {
		return nil, rep, fmt.Errorf("%s (%s) has no stock API: its special prices cannot be read", src.ID(), src.Kind())
	}
	readings, err := src.Stock(ctx, nil)
	if err != nil {
		return nil, rep, fmt.Errorf("reading %s's catalogue: %w", src.ID(), err)
	}
	seen := map[string]bool{}
	var rows []salesheet.Row
	for _, r := range readings {
		if r.SalePrice <= 0 || seen[r.SKU] || strings.TrimSpace(r.SKU) == "" {
			continue
		}
		seen[r.SKU] = true
		inWindow := !r.SaleStart.IsZero() && !r.SaleEnd.IsZero() && r.SaleStart.Before(to) && r.SaleEnd.After(from)
		switch {
		case !inWindow:
			rep.outside++
		case r.Sellable <= 0:
			rep.noStock++
		default:
			rows = append(rows, salesheet.Row{SKU: r.SKU, Name: names[r.SKU], FlashPrice: r.SalePrice, Allocated: map[string]int{src.ID(): r.Sellable}})
			rep.units += r.Sellable
		}
	}
	slices.SortFunc(rows, func(a, b salesheet.Row) int { return strings.Compare(a.SKU, b.SKU) })
	for i := range rows {
		rows[i].Line = i + 2
	}
	return rows, rep, nil
}
