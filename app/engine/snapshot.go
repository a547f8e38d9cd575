package engine

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Channel health states, as the snapshot and /api/v1/snapshot name them.
const (
	StateOK       = "ok"
	StateDegraded = "degraded"
	StateDown     = "down"
	// StateDisabled is a closed storefront (enabled: false): history kept, not polled.
	StateDisabled = "disabled"
)

// Sale states.
const (
	SaleScheduled = "scheduled"
	SaleLive      = "live"
	SaleSoldOut   = "sold_out"
	SaleEnded     = "ended"
	// SaleUnpublishable is a sale whose state could not be encoded: the
	// snapshot carries its id, name and why (SaleSnap.Error) instead.
	SaleUnpublishable = "unpublishable"
)

// OldAfterPolls is how many poll intervals may pass since a channel's last
// successful read before its figures count as old (ChannelSnap.Old,
// Figures.Old). Decided once, here, so that every screen and client agrees.
const OldAfterPolls = 3

// OldAt says whether figures last read at last are old at wall, for a
// channel polled every poll: more than OldAfterPolls polls ago. Never read
// (zero) is not old: there is nothing to age.
func OldAt(last, wall time.Time, poll time.Duration) bool {
	return !last.IsZero() && wall.Sub(last) > OldAfterPolls*poll
}

// MarkOld decides again which channels and figures are old at s.Wall: for
// a client that shows a snapshot later than it was taken (a desktop whose
// collector is lost keeps its last one, re-dated). The engine's snapshots
// come marked.
func (s *Snapshot) MarkOld() {
	old := make(map[string]bool, len(s.Channels))
	for i := range s.Channels {
		c := &s.Channels[i]
		c.Old = OldAt(c.LastSuccess, s.Wall, c.PollInterval)
		old[c.ID] = c.Old
	}
	for i := range s.Sales {
		sl := &s.Sales[i]
		sl.Old = false
		for j := range sl.Channels {
			sl.Channels[j].Old = old[sl.Channels[j].Channel]
			sl.Old = sl.Old || sl.Channels[j].Old
		}
		for j := range sl.SKUs {
			k := &sl.SKUs[j]
			k.Old = false
			for c := range k.Channels {
				k.Channels[c].Old = old[k.Channels[c].Channel]
				k.Old = k.Old || k.Channels[c].Old
			}
		}
	}
}

// Snapshot is an immutable picture of everything flashdeck knows at one
// moment. The engine publishes a new one when something changed (at most a
// few times a second); screens, the API and the metrics all read the same one.
type Snapshot struct {
	// At is the sale time the snapshot was taken; Wall the wall time.
	At       time.Time      `json:"at"`
	Wall     time.Time      `json:"wall"`
	Sales    []SaleSnap     `json:"sales"`
	Channels []ChannelSnap  `json:"channels"`
	Seq      uint64         `json:"seq"`
	byID     map[string]int `json:"-"`
}

// Figures are the numbers shown for a SKU, a channel of a sale, or a sale.
type Figures struct {
	Allocated int `json:"allocated"`
	Sold      int `json:"sold"`
	Remaining int `json:"remaining"`
	// SellThrough is sold / allocated, 0..1.
	SellThrough float64 `json:"sell_through"`
	// Rate1m and Rate5m are units per minute over the last 1 and 5 minutes.
	Rate1m float64 `json:"rate_1m"`
	Rate5m float64 `json:"rate_5m"`
	// ETASellout is when the stock runs out at the current rate (sale
	// time); nil when nothing is selling or it is already sold out.
	ETASellout *time.Time `json:"eta_sellout"`
	// AsOf is the wall time of the last successful read behind these
	// figures (the oldest, for sums over channels).
	AsOf time.Time `json:"as_of,omitzero"`
	// Stale is true when a channel behind these figures is not ok.
	Stale bool `json:"stale"`
	// Old is true when a channel behind these figures last read them
	// more than OldAfterPolls poll intervals ago (ChannelSnap.Old): the
	// screens show their age in red. Absent from the JSON when false.
	Old bool `json:"old,omitempty"`

	merged bool
}

// SaleSnap is one sale.
type SaleSnap struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Start time.Time `json:"start"`
	// End is the latest end on any of the sale's channels: the configured
	// end, or an extension.
	End           time.Time `json:"end"`
	TimeZone      string    `json:"time_zone"`
	Currency      string    `json:"currency"`
	PerBuyerLimit int       `json:"per_buyer_limit"`
	State         string    `json:"state"`
	// Error says why the sale's figures are missing (State unpublishable).
	Error string `json:"error,omitempty"`
	// Flags counts the sale's flagged orders (the list: Engine.Flags).
	Flags FlagSummary `json:"flags"`
	Figures
	Channels []SaleChannelSnap `json:"channels"`
	SKUs     []SKUSnap         `json:"skus"`
}

// SaleChannelSnap is one channel's part of a sale.
type SaleChannelSnap struct {
	Channel string `json:"channel"`
	// End is the sale's end on this channel (later than the sale's
	// configured end once extended there).
	End time.Time `json:"end"`
	// Paused is true while flashdeck has the sale paused on this channel.
	Paused bool `json:"paused"`
	Figures
	// Stock is the units the channel still offers over the sale's SKUs
	// it has read (nil: no stock API, or none read yet); StockAsOf the
	// wall time of the oldest reading behind it.
	Stock     *int      `json:"stock,omitempty"`
	StockAsOf time.Time `json:"stock_as_of,omitzero"`
	// StockIssues counts the SKUs whose stock needs a look.
	StockIssues StockIssues `json:"stock_issues"`
}

// SKUSnap is one SKU of a sale across its channels.
type SKUSnap struct {
	SKU        string            `json:"sku"`
	Name       string            `json:"name"`
	FlashPrice datasources.Money `json:"flash_price"`
	Figures
	Channels []CellSnap `json:"channels"`
}

// CellSnap is one SKU on one channel.
type CellSnap struct {
	Channel string `json:"channel"`
	Figures
	// Stock is the sellable stock the channel itself last reported, when it
	// reports stock; nil otherwise. StockAsOf is the wall time of that read.
	Stock     *int      `json:"stock,omitempty"`
	StockAsOf time.Time `json:"stock_as_of,omitzero"`
	// StockDifference is Stock − Remaining, when there is a reading.
	StockDifference *int `json:"stock_difference,omitempty"`
	// StockStatus judges the difference (StockMatches, StockOversell, …;
	// empty once the sale has ended).
	StockStatus string `json:"stock_status,omitempty"`
	// SaleState is the channel's own sale state for the SKU, when known.
	SaleState datasources.SaleState `json:"sale_state,omitempty"`
}

// ChannelSnap is one channel's health.
type ChannelSnap struct {
	ID                  string                   `json:"id"`
	Name                string                   `json:"name"`
	Kind                string                   `json:"kind"`
	Market              string                   `json:"market,omitempty"`
	State               string                   `json:"state"`
	LastSuccess         time.Time                `json:"last_success,omitzero"`
	LastError           string                   `json:"last_error,omitempty"`
	LastErrorAt         time.Time                `json:"last_error_at,omitzero"`
	DownSince           time.Time                `json:"down_since,omitzero"`
	ConsecutiveFailures int                      `json:"consecutive_failures"`
	Latency             time.Duration            `json:"latency_ns"`
	PollInterval        time.Duration            `json:"poll_interval_ns"`
	NextPoll            time.Time                `json:"next_poll,omitzero"`
	RateLimited         bool                     `json:"rate_limited"`
	ReplacedBy          string                   `json:"replaced_by,omitempty"`
	Capabilities        datasources.Capabilities `json:"capabilities"`
	Orders              int                      `json:"orders"`
	Backfill            Backfill                 `json:"backfill"`
	// Spark is units sold per minute over the last 30 minutes, oldest first.
	Spark []float64 `json:"spark"`

	// Old is true when LastSuccess is more than OldAfterPolls poll
	// intervals before Wall: the channel's figures are getting old, whether
	// or not its state says so yet. Absent from the JSON when false.
	Old bool `json:"old,omitempty"`
}

// Backfill is the progress of a channel's first load.
type Backfill struct {
	Active bool `json:"active"`
	Read   int  `json:"read"`
	Total  int  `json:"total"`
}

// Channel returns the snapshot of a channel by id.
func (s *Snapshot) Channel(id string) (ChannelSnap, bool) {
	if i, ok := s.byID[id]; ok {
		return s.Channels[i], true
	}
	for _, c := range s.Channels {
		if c.ID == id {
			return c, true
		}
	}
	return ChannelSnap{}, false
}

// Encode is the snapshot as JSON. A sale whose state cannot be encoded (a
// time past year 9999, a NaN) does not take the others down: it is
// replaced by its id and name, state unpublishable and the error, and
// problems says so. err is set only when nothing could be encoded.
func (s *Snapshot) Encode() (b []byte, problems []string, err error) {
	if b, err = json.Marshal(s); err == nil {
		return b, nil, nil
	}
	c := *s
	c.Sales = make([]SaleSnap, len(s.Sales))
	for i := range s.Sales {
		c.Sales[i] = s.Sales[i]
		if _, err := json.Marshal(&s.Sales[i]); err != nil {
			why := fmt.Sprintf("sale %s cannot be published: %v", s.Sales[i].ID, err)
			problems = append(problems, why)
			c.Sales[i] = SaleSnap{ID: s.Sales[i].ID, Name: s.Sales[i].Name, State: SaleUnpublishable, Error: why,
				Channels: []SaleChannelSnap{}, SKUs: []SKUSnap{}}
		}
	}
	if b, err = json.Marshal(&c); err != nil {
		return nil, append(problems, "the snapshot cannot be published: "+err.Error()), fmt.Errorf("encoding snapshot %d: %w", s.Seq, err)
	}
	return b, problems, nil
}
