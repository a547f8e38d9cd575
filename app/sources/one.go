package sources

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/datasources"
)

// BuildChannel returns the client of one enabled channel, built exactly as
// Build builds it. Build stops at the first channel that fails (a missing
// secret); a caller that wants every channel's own outcome, as
// `flashdeck check` does, builds them one by one with this.
func BuildChannel(cfg *config.Config, id string, lookup config.Lookup, now func() time.Time, log *slog.Logger) (datasources.Source, error) {
	ch := cfg.Channel(id)
	if ch == nil {
		return nil, fmt.Errorf("channel %s is not configured", id)
	}
	if !ch.IsEnabled() {
		return nil, fmt.Errorf("channel %s is disabled", id)
	}
	// A shallow copy with only this channel: Build reads nothing else of
	// the channels, and the secrets keep the config's path and keyring.
	one := *cfg
	one.Channels = []config.Channel{*ch}
	srcs, err := Build(&one, lookup, now, log)
	if err != nil {
		return nil, err
	}
	src := srcs[id]
	if src == nil {
		return nil, fmt.Errorf("channel %s: no client was built", id)
	}
	return src, nil
}
