// Package actions changes sales on their channels: pause, resume, extend,
// cancel an order, mark one reviewed. Each action is attributable (a user
// with a role, a required reason), applied at most once (an idempotency
// key; requests go out once and an unclear answer is settled by reading
// the channel back), and audited in the embedded database before the first
// request leaves and after every answer. Nothing here imports Fyne.
package actions

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/datasources"
)

// Kind is what an action does.
type Kind string

// Action kinds, as POST /api/v1/actions names them.
const (
	Pause       Kind = "pause"
	Resume      Kind = "resume"
	Extend      Kind = "extend"
	CancelOrder Kind = "cancel_order"
	ReviewOrder Kind = "review_order"
	// CapStock lowers one SKU's sellable stock on one channel to what
	// remains of its allocation there (an oversell risk fixed).
	CapStock Kind = "cap_stock"
)

// Kinds lists every kind, for validation and the audit filter.
var Kinds = []Kind{Pause, Resume, Extend, CancelOrder, ReviewOrder, CapStock}

// Result is how an action ended on one channel.
type Result string

// Per-channel results.
const (
	// Pending: the request is being made (or flashdeck stopped before the
	// answer; a restart turns it into Unknown).
	Pending Result = "pending"
	// Applied: the channel's own read-back, taken after its answer, shows
	// the change (an OK alone is not enough: a gateway may ignore what it
	// was sent).
	Applied Result = "applied"
	// Failed: the channel refused, in its own words, and nothing changed
	// there; or its read-back does not show the change, or shows it for
	// some SKUs only ("partly applied"), naming what it shows.
	Failed Result = "failed"
	// Manual: the channel has no API for it; a person does it in the
	// channel's seller centre and confirms here.
	Manual Result = "manual"
	// Unknown: no clear answer; flashdeck reads the channel back until it
	// knows, and never resends blindly.
	Unknown Result = "unknown"
)

// User is who asks for an action.
type User struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// CanAct reports whether the user may change anything.
func (u User) CanAct() bool { return u.Role == config.RoleOperator }

// Request is an action as asked for (the body of POST /api/v1/actions).
type Request struct {
	Kind Kind   `json:"kind"`
	Sale string `json:"sale"`
	// Channels to act on; empty means every channel of the sale (pause,
	// resume, extend) or the channel of the flagged order (cancel, review).
	Channels []string `json:"channels,omitempty"`
	// Until is the new end of an extension; By extends by a duration from
	// the sale's current end instead ("1h", "30m").
	Until time.Time `json:"until,omitzero"`
	By    string    `json:"by,omitempty"`
	// OrderID is the order of cancel_order and review_order.
	OrderID string `json:"order_id,omitempty"`
	// SKU is the seller SKU of cap_stock.
	SKU            string `json:"sku,omitempty"`
	Reason         string `json:"reason"`
	IdempotencyKey string `json:"idempotency_key"`
}

// Limits on what a request may carry.
const (
	MaxReason = 500
	MaxKey    = 100
	MaxSKU    = 100
	// MaxOrderID bounds an order id: Lazada's are 15 digits, Akulaku's up
	// to 19.
	MaxOrderID = 64
)

// Action is one action with its per-channel results: the audit record.
type Action struct {
	ID       string    `json:"id"`
	Key      string    `json:"idempotency_key"`
	Kind     Kind      `json:"kind"`
	Sale     string    `json:"sale"`
	SaleName string    `json:"sale_name"`
	Channels []string  `json:"channels"`
	Until    time.Time `json:"until,omitzero"`
	By       string    `json:"by,omitempty"`
	OrderID  string    `json:"order_id,omitempty"`
	// SKU and Units are what cap_stock caps, and at how many units (what
	// remained of the allocation when it was planned).
	SKU       string    `json:"sku,omitempty"`
	Units     *int      `json:"units,omitempty"`
	Reason    string    `json:"reason"`
	User      string    `json:"user"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// SaleAt is CreatedAt on the sale clock, which a simulator may run
	// apart from the wall's: where the action sits on the sale's timeline.
	// Zero in records older than it (taken on the wall's clock).
	SaleAt time.Time `json:"sale_at,omitzero"`
	// Summary is the confirmation's headline ("Pause POCO M3 flash sale on
	// Lazada ID and mi.com ID").
	Summary string `json:"summary"`
	// SummaryText is Summary as a text each screen writes in its
	// language (empty in records older than it: Summary is shown).
	SummaryText text.Text       `json:"summary_text,omitzero"`
	Results     []ChannelResult `json:"results"`
	// Replayed is set on the answer to a request whose idempotency key was
	// seen before: the first action, returned without acting again.
	Replayed bool `json:"replayed,omitempty"`
}

// ChannelResult is an action's outcome on one channel.
type ChannelResult struct {
	Channel     string `json:"channel"`
	ChannelName string `json:"channel_name"`
	// Effect is what the action does there, in words.
	Effect string `json:"effect"`
	// EffectText is Effect as a text (app/text).
	EffectText text.Text `json:"effect_text,omitzero"`
	Result     Result    `json:"result"`
	// Message is the channel's own error in words, the read-back's
	// finding, or the manual step to take; MessageText the same as a text
	// (a channel's own error quoted as it came). Set both with say.
	Message     string    `json:"message,omitempty"`
	MessageText text.Text `json:"message_text,omitzero"`
	Attempts    int       `json:"attempts"`
	// Updated is when this result last changed (wall clock).
	Updated time.Time `json:"updated"`
	// ConfirmedBy is who confirmed a manual step as done, and when.
	ConfirmedBy string    `json:"confirmed_by,omitempty"`
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
	// Before is the sale on the channel as read just before the request
	// (a pause's stock, which it takes; a resume's, which its read-back
	// compares with), kept so a read-back after a lost answer judges the
	// same way.
	Before *datasources.SaleControl `json:"before,omitempty"`
	// Sent is what a resume gave back per SKU (and warehouse): the stock
	// owed when it went out.
	Sent *datasources.SaleControl `json:"sent,omitempty"`
	// PrevEnd is the channel's end before an extension, to undo the
	// engine's window when the channel refuses.
	PrevEnd time.Time `json:"prev_end,omitzero"`
}

// say sets the result's message, in English and as a text.
func (r *ChannelResult) say(t text.Text) {
	r.MessageText, r.Message = t, t.String()
}

// Status sums up an action's results: pending while any is, else failed
// or unknown if any is, else manual if a step waits for confirmation,
// else applied.
func (a *Action) Status() Result {
	has := func(r Result) bool {
		return slices.ContainsFunc(a.Results, func(c ChannelResult) bool { return c.Result == r })
	}
	switch {
	case has(Pending):
		return Pending
	case has(Failed):
		return Failed
	case has(Unknown):
		return Unknown
	case slices.ContainsFunc(a.Results, func(c ChannelResult) bool { return c.Result == Manual && c.ConfirmedBy == "" }):
		return Manual
	}
	return Applied
}

// Result returns the result on a channel.
func (a *Action) Result(channel string) (*ChannelResult, bool) {
	for i := range a.Results {
		if a.Results[i].Channel == channel {
			return &a.Results[i], true
		}
	}
	return nil, false
}

// Errors a caller maps to its own answer (HTTP status, dialog).
var (
	// ErrForbidden: the user's role may not act.
	ErrForbidden = errors.New("a viewer cannot act; an operator can")
	// ErrKeyReused: the idempotency key came with a different request.
	ErrKeyReused = errors.New("this idempotency key was used for a different action")
	// ErrNotFound: no action with that id.
	ErrNotFound = errors.New("no such action")
	// ErrBusy: the action still has a request under way.
	ErrBusy = errors.New("the action still has a request under way")
)

// InvalidError is a request that cannot be carried out as asked; Field
// names what is wrong, as the request spells it.
type InvalidError struct {
	Field   string
	Message string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// check validates what a request says on its own, before the sale is looked at.
func (r *Request) check() error {
	if !slices.Contains(Kinds, r.Kind) {
		return invalid("kind", "%q is not an action (one of pause, resume, extend, cancel_order, review_order, cap_stock)", r.Kind)
	}
	if strings.TrimSpace(r.Sale) == "" {
		return invalid("sale", "required")
	}
	if strings.TrimSpace(r.Reason) == "" {
		return invalid("reason", "required: say why, for the audit trail")
	}
	if len(r.Reason) > MaxReason {
		return invalid("reason", "longer than %d characters", MaxReason)
	}
	if strings.TrimSpace(r.IdempotencyKey) == "" {
		return invalid("idempotency_key", "required: a unique string per intended action (a UUID), kept across retries")
	}
	if len(r.IdempotencyKey) > MaxKey {
		return invalid("idempotency_key", "longer than %d characters", MaxKey)
	}
	for _, c := range r.IdempotencyKey {
		// Channels carry the key in a header: visible ASCII only.
		if c <= ' ' || c > '~' {
			return invalid("idempotency_key", "%q: use letters, digits and punctuation only (a UUID), no spaces", r.IdempotencyKey)
		}
	}
	switch r.Kind {
	case Extend:
		if r.Until.IsZero() == (r.By == "") {
			return invalid("until", "give either until (a time) or by (a duration such as 1h)")
		}
		if r.By != "" {
			d, err := time.ParseDuration(r.By)
			if err != nil || d <= 0 {
				return invalid("by", "%q is not a positive duration (such as 30m or 1h)", r.By)
			}
		}
	case CancelOrder, ReviewOrder:
		if strings.TrimSpace(r.OrderID) == "" {
			return invalid("order_id", "required for %s", r.Kind)
		}
		if err := checkOrderID(r.OrderID); err != nil {
			return err
		}
		if len(r.Channels) > 1 {
			return invalid("channels", "%s acts on one order on one channel, got %d channels", r.Kind, len(r.Channels))
		}
	case CapStock:
		if strings.TrimSpace(r.SKU) == "" {
			return invalid("sku", "required for cap_stock")
		}
		if len(r.SKU) > MaxSKU || strings.IndexFunc(r.SKU, unicode.IsControl) >= 0 {
			return invalid("sku", "at most %d characters, no control characters", MaxSKU)
		}
		if len(r.Channels) != 1 {
			return invalid("channels", "cap_stock caps one SKU on one channel: name it (got %d channels)", len(r.Channels))
		}
	}
	if r.Kind != CancelOrder && r.Kind != ReviewOrder && r.OrderID != "" {
		return invalid("order_id", "not used by %s", r.Kind)
	}
	if r.Kind != CapStock && r.SKU != "" {
		return invalid("sku", "only cap_stock takes a SKU")
	}
	if r.Kind != Extend && (!r.Until.IsZero() || r.By != "") {
		return invalid("until", "only extend takes until or by")
	}
	return nil
}

// checkOrderID refuses an order id that no channel could have written:
// longer than MaxOrderID bytes, not UTF-8, with a control or format
// character (a line break, NUL, a bidirectional override) or another
// character that does not print, or with white space around it. The id
// goes into the audit trail, its CSV and log lines, and a channel's URL,
// whether or not the order is flagged (with channels named it need not
// be).
func checkOrderID(id string) error {
	rule := fmt.Sprintf("an order id is at most %d bytes of printable text, with no control characters and no white space around it", MaxOrderID)
	if len(id) > MaxOrderID {
		return invalid("order_id", "%d bytes long: %s", len(id), rule)
	}
	if !utf8.ValidString(id) {
		return invalid("order_id", "not UTF-8 text: %s", rule)
	}
	for i, c := range id {
		if !unicode.IsPrint(c) {
			return invalid("order_id", "%q has a character that does not print (%U at byte %d): %s", id, c, i, rule)
		}
	}
	if strings.TrimSpace(id) != id {
		return invalid("order_id", "%q has white space around it: %s", id, rule)
	}
	return nil
}

// sameAs reports whether a stored action is what this request asks, so
// that a repeated key returns it instead of acting again.
func (r *Request) sameAs(a *Action) bool {
	if len(r.Channels) > 0 {
		asked := slices.Clone(r.Channels)
		slices.Sort(asked)
		done := slices.Clone(a.Channels)
		slices.Sort(done)
		if !slices.Equal(asked, done) {
			return false
		}
	}
	return a.Kind == r.Kind && a.Sale == r.Sale && a.OrderID == r.OrderID && a.SKU == r.SKU &&
		a.Reason == strings.TrimSpace(r.Reason) && a.By == r.By && (r.Until.IsZero() || a.Until.Equal(ceilMinute(r.Until)))
}

// DesktopUser is who runs the desktop app: the user named (the --user
// flag, else FLASHDECK_USER, else the login name) with the role the
// configuration's users give them. With no users configured the person at
// the desktop holds the channel credentials anyway and is an operator; a
// name the users do not list is a viewer, so a configured wall screen
// cannot act.
func DesktopUser(users []config.User, name string) User {
	if len(users) == 0 {
		return User{Name: name, Role: config.RoleOperator}
	}
	for _, u := range users {
		if u.Name == name {
			return User{Name: u.Name, Role: u.Role}
		}
	}
	return User{Name: name, Role: config.RoleViewer}
}

// ceilMinute rounds t up to a whole minute: the precision sale ends are
// kept at (Lazada's sale times are yyyy-MM-dd HH:mm).
func ceilMinute(t time.Time) time.Time {
	if m := t.Truncate(time.Minute); !m.Equal(t) {
		return m.Add(time.Minute)
	}
	return t
}
