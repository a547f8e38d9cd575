package rules

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/text"
)

// ErrNoFlag is returned when reviewing an order that is not flagged.
var ErrNoFlag = errors.New("no such flagged order")

// ExtendEnd moves the end of the window the rules look at to end, when
// that is later: an extended sale's late orders are checked too.
func (s *Sale) ExtendEnd(end time.Time) {
	s.end = max(s.end, end.UnixMilli())
}

// Flags returns every flag of the sale, the highest score first: the
// orders the rules flag now, and flags restored from the store that the
// replayed orders no longer produce (an order cancelled since, say).
func (s *Sale) Flags() []Flag {
	var out []Flag
	have := map[string]bool{}
	for idx := range s.flagged {
		f := s.flag(idx)
		have[f.Key()] = true
		out = append(out, f)
	}
	for k, f := range s.prior {
		if !have[k] {
			out = append(out, s.withReview(f))
		}
	}
	SortFlags(out)
	return out
}

// SortFlags orders flags by score, then the oldest order first.
func SortFlags(fs []Flag) {
	slices.SortFunc(fs, func(a, b Flag) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), a.CreatedAt.Compare(b.CreatedAt),
			cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.OrderID, b.OrderID))
	})
}

// Changed returns the flags that changed since the last call, for the
// store, and forgets them.
func (s *Sale) Changed() []Flag {
	var out []Flag
	for idx := range s.dirty {
		out = append(out, s.flag(idx))
	}
	clear(s.dirty)
	return out
}

// Restore hands the evaluator the flags saved by an earlier run, before
// the saved orders are replayed: their reviews are kept, and a flag the
// replay no longer produces is still listed.
func (s *Sale) Restore(fs []Flag) {
	for _, f := range fs {
		if f.Sale != s.id {
			continue
		}
		k := f.Key()
		s.prior[k] = f
		if f.Review != nil {
			s.reviews[k] = *f.Review
		}
	}
	s.version++
}

// Review marks a flagged order reviewed (found to be fine, or dealt with)
// and returns the flag as it now stands.
func (s *Sale) Review(channel, orderID string, r Review) (Flag, error) {
	k := channel + "/" + orderID
	if idx, ok := s.lookup(channel, orderID); ok && s.rulesOf(idx) != 0 {
		s.reviews[k] = r
		s.version++
		return s.flag(idx), nil
	}
	if f, ok := s.prior[k]; ok {
		s.reviews[k] = r
		s.version++
		return s.withReview(f), nil
	}
	return Flag{}, fmt.Errorf("order %s on %s: %w", orderID, channel, ErrNoFlag)
}

// Flag returns the flag of one order, if it is flagged.
func (s *Sale) Flag(channel, orderID string) (Flag, bool) {
	if idx, ok := s.lookup(channel, orderID); ok && s.rulesOf(idx) != 0 {
		return s.flag(idx), true
	}
	if f, ok := s.prior[channel+"/"+orderID]; ok {
		return s.withReview(f), true
	}
	return Flag{}, false
}

func (s *Sale) withReview(f Flag) Flag {
	if r, ok := s.reviews[f.Key()]; ok {
		f.Review = &r
		if f.State == StateOpen {
			f.State = StateReviewed
		}
	}
	return f
}

// flag builds the flag of order idx from its rules and groups.
func (s *Sale) flag(idx int32) Flag {
	r := s.o(idx)
	bits := s.rulesOf(idx)
	f := Flag{
		Sale: s.id, Channel: s.chanIDs[r.ch], OrderID: s.strs.get(r.id), Units: int(r.units),
		CreatedAt: time.UnixMilli(r.created).UTC(), State: StateOpen,
	}
	f.BuyerText = s.buyerLabel(idx)
	f.Buyer = f.BuyerText.String()
	if r.sku >= 0 {
		f.SKU = s.skuNames[r.sku]
	}
	if r.units == 0 {
		f.State = StateCancelled
	}
	for _, id := range IDs {
		if bits&bitOf[id] == 0 {
			continue
		}
		why := s.reason(idx, id)
		f.Rules = append(f.Rules, Hit{ID: id, Reason: why.String(), Why: why})
		f.Score += weights[id]
	}
	f.Score = min(f.Score, 100)
	f.Evidence, f.EvidenceTotal = s.evidence(idx, bits)
	s.keepPrior(idx, &f)
	if rv, ok := s.reviews[f.Key()]; ok {
		f.Review = &rv
		if f.State == StateOpen {
			f.State = StateReviewed
		}
	}
	return f
}

// keepPrior carries into an order's flag what its saved version found
// through the buyer's identities when the order has none left: once its
// personal data is purged (personal_data_days) or unreadable (a data key
// given up as lost), the replay can no longer match its phone, address,
// payment instrument or account, and the earlier finding stands, with its
// masked buyer and its evidence, rather than vanish from the record. An
// order that still has an identity is judged afresh.
func (s *Sale) keepPrior(idx int32, f *Flag) {
	p, ok := s.prior[f.Key()]
	if !ok || !s.anonymous(idx) {
		return
	}
	kept := false
	for _, h := range p.Rules {
		bit, known := bitOf[h.ID]
		if !known || bit&s.disabled != 0 || slices.ContainsFunc(f.Rules, func(x Hit) bool { return x.ID == h.ID }) {
			continue
		}
		f.Rules = append(f.Rules, h)
		kept = true
	}
	if p.Buyer != "" {
		f.Buyer, f.BuyerText = p.Buyer, p.BuyerText
	}
	if !kept {
		return
	}
	slices.SortFunc(f.Rules, func(a, b Hit) int { return cmp.Compare(slices.Index(IDs, a.ID), slices.Index(IDs, b.ID)) })
	f.Score = 0
	for _, h := range f.Rules {
		f.Score += weights[h.ID]
	}
	f.Score = min(f.Score, 100)
	ev := slices.Clone(p.Evidence)
	for _, r := range f.Evidence {
		if !slices.ContainsFunc(ev, func(x Ref) bool { return x.Channel == r.Channel && x.OrderID == r.OrderID }) {
			ev = append(ev, r)
		}
	}
	f.Evidence = ev[:min(len(ev), EvidenceCap)]
	f.EvidenceTotal = max(p.EvidenceTotal, f.EvidenceTotal, len(ev))
}

// anonymous reports whether an order carries no identity of its buyer: no
// phone, address or payment instrument, and no buyer id.
func (s *Sale) anonymous(idx int32) bool {
	r := s.o(idx)
	if r.groups[kPhone] >= 0 || r.groups[kAddress] >= 0 || r.groups[kPayment] >= 0 {
		return false
	}
	g := r.groups[kAccount]
	return g < 0 || s.g(g).ref == 0
}

// evidence lists the other orders of every group that fired a rule for idx.
func (s *Sale) evidence(idx int32, bits ruleBit) ([]Ref, int) {
	r := s.o(idx)
	var related []int32
	for _, g := range r.groups {
		if g < 0 || s.g(g).fired&bits == 0 {
			continue
		}
		for _, o := range s.members(s.g(g)) {
			if o != idx {
				related = append(related, o)
			}
		}
	}
	slices.Sort(related)
	related = slices.Compact(related)
	slices.SortFunc(related, func(a, b int32) int {
		return cmp.Or(cmp.Compare(s.o(a).created, s.o(b).created), cmp.Compare(a, b))
	})
	total := len(related)
	related = related[:min(len(related), EvidenceCap)]
	refs := make([]Ref, 0, len(related))
	for _, o := range related {
		ro := s.o(o)
		ref := Ref{Channel: s.chanIDs[ro.ch], OrderID: s.strs.get(ro.id), Units: int(ro.units), BuyerText: s.buyerLabel(o), CreatedAt: time.UnixMilli(ro.created).UTC()}
		ref.Buyer = ref.BuyerText.String()
		if ro.sku >= 0 {
			ref.SKU = s.skuNames[ro.sku]
		}
		refs = append(refs, ref)
	}
	return refs, total
}

// reason says in words why rule id fired for order idx.
func (s *Sale) reason(idx int32, id string) text.Text {
	r := s.o(idx)
	bit := bitOf[id]
	// The group that fired it, in the order account, phone, address, payment.
	g, kind := int32(-1), -1
	for k, gi := range r.groups {
		if gi >= 0 && s.g(gi).fired&bit != 0 {
			g, kind = gi, k
			break
		}
	}
	var gr *group
	if g >= 0 {
		gr = s.g(g)
	}
	switch id {
	case BotOpening:
		after := time.Duration(r.created-s.start) * time.Millisecond
		if after < time.Second {
			// Lazada stamps orders to the second: "0.0 s" would claim a
			// precision the channel does not give.
			return text.New("placed in the first second of the sale; a person needs at least %s", words(s.cfg.MinCheckout))
		}
		return text.New("placed %s s after the sale opened; a person needs at least %s", after.Seconds(), words(s.cfg.MinCheckout))
	case OverLimit:
		if r.own&bitOverLimit != 0 {
			return text.New("%s units in one order; the limit is %s per buyer", r.units, s.cfg.PerBuyerLimit)
		}
		if gr != nil {
			return text.New("this account bought %s units in %s orders; the limit is %s per buyer", gr.units, s.size(gr), s.cfg.PerBuyerLimit)
		}
	case SharedPhone:
		if gr != nil {
			return text.New("%s accounts share the phone %s (%s)", gr.accounts, unpackPhone(r.phone), s.chanList(gr.chans))
		}
	case SharedAddress:
		if gr != nil {
			n, spellings := s.spellings(gr)
			if n == 1 {
				return text.New("%s accounts share one delivery point: %s (%s)", gr.accounts, spellings, s.chanList(gr.chans))
			}
			return text.New("%s accounts share one delivery point, written %s ways: %s (%s)", gr.accounts, s.spellingCount(gr), spellings, s.chanList(gr.chans))
		}
	case SharedPayment:
		if gr != nil {
			return text.New("%s accounts pay with the same payment instrument (%s)", gr.accounts, s.chanList(gr.chans))
		}
	case AddressJig:
		if gr != nil {
			_, spellings := s.spellings(gr)
			return text.New("%s spellings of one delivery point by %s accounts: %s", s.spellingCount(gr), gr.accounts, spellings)
		}
	case Velocity:
		if gr != nil {
			return text.New("%s or more orders from one %s within %s (%s in the sale)", s.cfg.VelocityOrders, kindWords[kind], words(s.cfg.VelocityWindow), s.size(gr))
		}
	}
	return text.New("%s", id)
}

// spellingCount is how many spellings of its address a group has, in
// words: "3", or "8 or more" once no more are kept.
func (s *Sale) spellingCount(gr *group) text.Text {
	n := s.variants(gr)
	if n >= maxVariants {
		return text.New("%s or more", n)
	}
	return text.New("%s", n)
}

// spellings lists the spellings an address group was reached by, masked
// as flags mask addresses, each with what was set aside to find it the
// same place: "Jl. K**** J**** Raya No. **, RT **/RW **, Jakarta Barat;
// JALAN K**** J**** RAYA ** BLOK C, Jakarta Barat (unit set aside)".
func (s *Sale) spellings(gr *group) (int, text.Text) {
	var parts []text.Text
	s.eachSpelling(gr, func(ref strRef) bool {
		a, aside := s.spellingOf(ref)
		p := MaskAddress(strings.TrimSpace(a.Line1))
		if l2 := strings.TrimSpace(a.Line2); l2 != "" {
			p += ", " + MaskAddress(l2)
		}
		if c := strings.TrimSpace(a.City); c != "" {
			p += ", " + c
		}
		if aside != 0 {
			parts = append(parts, text.New("%s (%s set aside)", p, aside.Text()))
		} else {
			parts = append(parts, text.New("%s", p))
		}
		return true
	})
	return len(parts), text.Join(parts, "; ")
}

// chanList names the channels of a group's bitmask.
func (s *Sale) chanList(mask uint64) string {
	var names []string
	for i, n := range s.channels {
		if i < 64 && mask&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// buyerLabel is an order's buyer as a flag shows it: the masked phone when
// the channel gave one, otherwise the masked buyer id.
func (s *Sale) buyerLabel(idx int32) text.Text {
	r := s.o(idx)
	if r.phone != 0 {
		return text.New("%s", unpackPhone(r.phone))
	}
	if g := r.groups[kAccount]; g >= 0 {
		if l := s.g(g).ref; l != 0 {
			return text.New("buyer %s", maskID(s.strs.get(l)))
		}
		return text.New("no buyer id")
	}
	return text.Text{}
}

// maskID hides the middle of a buyer id.
func maskID(id string) string {
	if len(id) <= 4 {
		return "****"
	}
	return id[:2] + strings.Repeat("*", len(id)-4) + id[len(id)-2:]
}

// lookup finds an order by channel id and order id.
func (s *Sale) lookup(channel, orderID string) (int32, bool) {
	ch := slices.Index(s.chanIDs, channel)
	if ch < 0 {
		return 0, false
	}
	return s.findOrder(ch, orderID)
}

// words writes a threshold as a person would: "10 min", "3 s".
func words(d time.Duration) text.Text {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return text.New("%s h", int64(d/time.Hour))
	case d >= time.Minute && d%time.Minute == 0:
		return text.New("%s min", int64(d/time.Minute))
	case d%time.Second == 0:
		return text.New("%s s", int64(d/time.Second))
	}
	return text.New("%s", d.String())
}
