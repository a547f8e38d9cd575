// Package rules finds the orders that look like scalpers while a sale runs:
// over the per-buyer limit, one identity behind many accounts (across
// channels), velocity, bots at the opening second and jigged addresses.
//
// Evaluation is incremental: each new order costs a few map lookups and
// touches only the identities it shares (its account, phone, address and
// payment instrument), never the orders that came before in general. An
// address is matched as a delivery point, not as a string (ParseAddress,
// SamePlace): a new spelling is compared only with the few places that
// share its house number and city or post code.
//
// Phones and payment instruments are matched through keyed hashes.
// Addresses must be compared part by part, so the spellings seen are kept,
// in memory only: they are never stored, and flags show them masked. The
// package never imports Fyne.
package rules

import (
	"fmt"
	"time"

	"github.com/flashdeck/flashdeck/app/text"
)

// Rule ids. They are public interface: API fields and metric labels.
const (
	OverLimit     = "over_limit"
	SharedPhone   = "shared_phone"
	SharedAddress = "shared_address"
	SharedPayment = "shared_payment"
	AddressJig    = "address_jig"
	Velocity      = "velocity"
	BotOpening    = "bot_opening"
)

// IDs lists every rule id, in the order reasons are shown.
var IDs = []string{BotOpening, OverLimit, SharedPhone, SharedPayment, SharedAddress, AddressJig, Velocity}

// ruleBit is a rule as a bit in a set.
type ruleBit uint8

const (
	bitOverLimit ruleBit = 1 << iota
	bitSharedPhone
	bitSharedAddress
	bitSharedPayment
	bitAddressJig
	bitVelocity
	bitBotOpening
)

var bitOf = map[string]ruleBit{
	OverLimit: bitOverLimit, SharedPhone: bitSharedPhone, SharedAddress: bitSharedAddress,
	SharedPayment: bitSharedPayment, AddressJig: bitAddressJig, Velocity: bitVelocity, BotOpening: bitBotOpening,
}

// weights add up to a flag's score (capped at 100): a shared phone or card
// is stronger evidence than a shared address, which families share too.
var weights = map[string]int{
	BotOpening: 50, OverLimit: 35, SharedPhone: 45, SharedPayment: 45,
	SharedAddress: 30, AddressJig: 20, Velocity: 25,
}

// Config holds one sale's thresholds. Zero fields take the defaults.
type Config struct {
	// PerBuyerLimit is the most units one account may buy in the sale
	// (0: no limit, the over_limit rule is off).
	PerBuyerLimit int
	// MaxAccountsPerPhone: more accounts than this behind one phone is a flag (default 1).
	MaxAccountsPerPhone int
	// MaxAccountsPerAddress: more accounts than this at one address is a
	// flag (default 2: a couple or two flatmates is normal).
	MaxAccountsPerAddress int
	// MaxAccountsPerPayment: more accounts than this paying with one
	// instrument is a flag (default 1).
	MaxAccountsPerPayment int
	// VelocityOrders within VelocityWindow from one identity is a flag
	// (default 5 within 10 minutes).
	VelocityOrders int
	VelocityWindow time.Duration
	// MinCheckout is the least time a person needs from the sale opening
	// to a placed order (default 3 s); faster is a bot.
	MinCheckout time.Duration
	// JigVariants spellings of one normalised address behind different
	// accounts is address jigging (default 3).
	JigVariants int
	// Disabled rule ids are not evaluated.
	Disabled []string
}

// Defaults.
const (
	DefaultMaxAccountsPerPhone   = 1
	DefaultMaxAccountsPerAddress = 2
	DefaultMaxAccountsPerPayment = 1
	DefaultVelocityOrders        = 5
	DefaultVelocityWindow        = 10 * time.Minute
	DefaultMinCheckout           = 3 * time.Second
	DefaultJigVariants           = 3
)

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxAccountsPerPhone, DefaultMaxAccountsPerPhone)
	def(&c.MaxAccountsPerAddress, DefaultMaxAccountsPerAddress)
	def(&c.MaxAccountsPerPayment, DefaultMaxAccountsPerPayment)
	def(&c.VelocityOrders, DefaultVelocityOrders)
	def(&c.JigVariants, DefaultJigVariants)
	if c.VelocityWindow <= 0 {
		c.VelocityWindow = DefaultVelocityWindow
	}
	if c.MinCheckout <= 0 {
		c.MinCheckout = DefaultMinCheckout
	}
	return c
}

// CheckDisabled returns an error naming the first unknown rule id.
func CheckDisabled(ids []string) error {
	for _, id := range ids {
		if _, ok := bitOf[id]; !ok {
			return fmt.Errorf("unknown rule %q (known: %v)", id, IDs)
		}
	}
	return nil
}

// Flag states.
const (
	StateOpen      = "open"
	StateReviewed  = "reviewed"
	StateCancelled = "cancelled"
)

// Flag is one flagged order, as the API, the screen and the store see it.
type Flag struct {
	Sale    string `json:"sale"`
	Channel string `json:"channel"`
	OrderID string `json:"order_id"`
	SKU     string `json:"sku"`
	Units   int    `json:"units"`
	Buyer   string `json:"buyer"` // masked
	// BuyerText is Buyer as a text ("buyer 10****"), written in each
	// screen's language (app/text).
	BuyerText text.Text `json:"buyer_text,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	Rules     []Hit     `json:"rules"`
	Score     int       `json:"score"`
	State     string    `json:"state"`
	// Evidence lists the related orders on every channel (at most
	// EvidenceCap of them; EvidenceTotal says how many there are).
	Evidence      []Ref   `json:"evidence"`
	EvidenceTotal int     `json:"evidence_total"`
	Review        *Review `json:"review,omitempty"`
}

// Hit is one rule that fired for an order, with the reason in words.
type Hit struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	// Why is Reason as a text each screen writes in its language
	// (empty in flags saved before it: Reason is shown).
	Why text.Text `json:"why,omitzero"`
}

// Ref is an order cited as evidence.
type Ref struct {
	Channel   string    `json:"channel"`
	OrderID   string    `json:"order_id"`
	SKU       string    `json:"sku"`
	Units     int       `json:"units"`
	Buyer     string    `json:"buyer"`
	BuyerText text.Text `json:"buyer_text,omitzero"`
	CreatedAt time.Time `json:"created_at"`
}

// Review records a manager's decision on a flag.
type Review struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// Key identifies a flag within its sale.
func (f *Flag) Key() string { return f.Channel + "/" + f.OrderID }

// EvidenceCap bounds the related orders listed in one flag.
const EvidenceCap = 50
