package report

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/store"
)

// Open builds a sale's report from the configuration's state_dir alone,
// polling nothing: the post-mortem after the sale, when no collector runs
// (a running one holds the database; ask its API instead).
func Open(cfg *config.Config, saleID string, log *slog.Logger) (*Report, error) {
	if log == nil {
		log = slog.Default()
	}
	now := time.Now
	if cfg.Clock != nil {
		now = cfg.Clock.Now
	}
	st, err := store.OpenWith(cfg.StateDir, store.Options{KeyFile: cfg.DataKeyFile, LostKey: os.Getenv(store.LostKeyEnv), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer st.Close()
	eng, err := engine.New(engine.Options{Config: cfg, Store: st, Now: now, Logger: log, Offline: true})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := eng.Load(); err != nil {
		return nil, fmt.Errorf("report: reading %s: %w", st.Path(), err)
	}
	acts, err := actions.New(actions.Options{Store: st, Engine: eng, Now: now, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return Build(Source{Engine: eng, Actions: acts, Now: now}, saleID)
}
