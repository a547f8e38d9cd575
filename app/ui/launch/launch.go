// Package launch holds what the desktop (app/ui) needs to start. It does
// not import Fyne, so the command line (app/cli) can fill it in without
// importing the screens; main.go hands it to ui.Run.
package launch

import (
	"log/slog"
	"time"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/remote"
)

// Options is what the desktop needs to start.
type Options struct {
	// Collector is the engine in process; nil when Remote is set.
	Collector *collector.Collector
	// Remote is a collector elsewhere (--remote): the desktop reads its
	// stream and acts through its API.
	Remote *remote.Client
	// Demo is the in-process simulator when no config was given.
	Demo   *demo.Sim
	Logger *slog.Logger
	// Quit, when set, closes the app after that long (end-to-end tests,
	// screenshot scripts).
	Quit time.Duration
	// Tab is the view to open on ("overview", "skus", "channels", "flagged").
	Tab string
	// Wall opens the window in wall mode.
	Wall bool
	// User is who sits at the desktop (--user, FLASHDECK_USER, or the login
	// name); the configuration's users give the role.
	User string
	// Lang is the language of the screens ("en", "id"; "" for the
	// system locale), set by --lang.
	Lang string
}

// Run runs the desktop with its options and blocks until the window
// closes (ui.Run).
type Run func(Options) error
