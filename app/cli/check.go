package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/flashdeck/flashdeck/app/check"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/sources"
	"github.com/flashdeck/flashdeck/datasources"
)

// Exit statuses of `flashdeck check`.
const (
	checkPassed   = 0 // every enabled channel passed
	checkFailed   = 1 // a step of some channel failed
	checkBadInput = 2 // the config (or a flag) is wrong: nothing was called
)

const checkUsage = `flashdeck check — know before the sale, not during it

  flashdeck check --config F [--json] [--timeout D]

Makes read-only calls to every enabled channel of the config, in parallel: reach and
credentials, one page of the last hour's orders, the stock of every SKU the sales allocate
to the channel (and whether the channel knows each one), and each sale's end and pause
state where the channel can tell. Nothing is paused, resumed, extended or cancelled.
Credentials come from the environment (or the OS keyring with keyring: true), as for serve.

Exit status: 0 every enabled channel passed, 1 a step failed, 2 the config or a flag is wrong.

Flags:
`

// checkCmd runs `flashdeck check` and returns its exit status. lookup
// reads the credentials (the config's own lookup when nil).
func checkCmd(args []string, stdout, stderr io.Writer, lookup config.Lookup) int {
	fs := flag.NewFlagSet("flashdeck check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), checkUsage)
		fs.PrintDefaults()
	}
	cfgPath := fs.String("config", "", "configuration file to check (required)")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of text")
	timeout := fs.Duration("timeout", check.DefaultTimeout, "bound on all the calls to one channel; a channel that hangs is reported as such")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return checkPassed
		}
		return checkBadInput
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "flashdeck check: unexpected argument %q (the file goes after --config)\n", fs.Arg(0))
		return checkBadInput
	case *cfgPath == "":
		fmt.Fprintln(stderr, "flashdeck check: --config FILE is required (flashdeck check -h)")
		return checkBadInput
	case *timeout <= 0:
		fmt.Fprintf(stderr, "flashdeck check: --timeout %s: must be above 0 (e.g. 30s)\n", *timeout)
		return checkBadInput
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		// The config's errors name file, line and field already.
		fmt.Fprintln(stderr, "flashdeck check: the config is not valid; nothing was called:")
		fmt.Fprintln(stderr, err)
		return checkBadInput
	}
	if lookup == nil {
		lookup = cfg.DefaultLookup()
	}
	now := time.Now
	if cfg.Clock != nil {
		now = cfg.Clock.Now
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// Each channel is built on its own: one missing secret is that
	// channel's failure, and the other channels are still checked.
	srcs := map[string]datasources.Source{}
	unbuilt := map[string]error{}
	for _, ch := range cfg.Channels {
		if !ch.IsEnabled() {
			continue
		}
		src, err := sources.BuildChannel(cfg, ch.ID, lookup, now, log)
		if err != nil {
			unbuilt[ch.ID] = err
			continue
		}
		srcs[ch.ID] = src
	}
	ctx, stop := signalContext()
	defer stop()
	rep := check.Run(ctx, cfg, srcs, check.Options{Timeout: *timeout, Now: now, Unbuilt: unbuilt})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // a channel's error may quote its HTML page: keep it readable
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "flashdeck check:", err)
			return checkFailed
		}
	} else {
		rep.WriteText(stdout)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(stderr, "flashdeck check: interrupted")
	}
	return rep.ExitCode
}
