package actions

import (
	"fmt"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources"
)

// describe writes the confirmation's headline and each channel's effect,
// exactly as it will happen ("Extend POCO M3 flash sale on Lazada ID to
// 01:00 (+1 h); on Akulaku ID: manual step").
func (p *plan) describe() {
	var api, manual []string
	p.effects = make([]string, len(p.targets))
	for i, t := range p.targets {
		p.effects[i] = p.effect(t)
		if t.manual {
			manual = append(manual, t.ch.Name)
		} else {
			api = append(api, t.ch.Name)
		}
	}
	verb := map[Kind]string{Pause: "Pause", Resume: "Resume", Extend: "Extend", CancelOrder: "Cancel order", ReviewOrder: "Mark reviewed: order", CapStock: "Cap the stock of"}[p.req.Kind]
	subject := p.sale.Name
	switch p.req.Kind {
	case CancelOrder, ReviewOrder:
		subject = p.req.OrderID + " of " + p.sale.Name
	case CapStock:
		subject = fmt.Sprintf("%s at %s (what remains of its allocation)", p.req.SKU, plural(*p.units, "unit"))
	}
	var parts []string
	if len(api) > 0 {
		s := verb + " " + subject + " on " + andList(api)
		if p.req.Kind == Extend {
			s += " to " + p.endWords()
		}
		parts = append(parts, s)
	}
	if len(manual) > 0 {
		s := "on " + andList(manual) + ": manual step"
		if len(api) == 0 {
			s = verb + " " + subject + " " + s
			if p.req.Kind == Extend {
				s = verb + " " + subject + " to " + p.endWords() + " on " + andList(manual) + ": manual step"
			}
		}
		parts = append(parts, s)
	}
	p.summary = strings.Join(parts, "; ")
}

// endWords is the extension's new end with how much later it is than the
// current one: "01:00 (+1 h)", or with the date when it is another day.
func (p *plan) endWords() string {
	loc := p.sale.Location
	base := time.Time{}
	for _, t := range p.targets {
		if t.ch.End.After(base) {
			base = t.ch.End
		}
	}
	u := p.until.In(loc)
	s := u.Format("15:04")
	if y, m, d := u.Date(); y != base.In(loc).Year() || m != base.In(loc).Month() || d != base.In(loc).Day() {
		s = u.Format("Mon 2 Jan 15:04")
	}
	s += " (+" + span(p.until.Sub(base)) + ")"
	if !p.asked.IsZero() {
		s += ", " + p.asked.In(loc).Format("15:04:05") + " rounded up to the minute"
	}
	return s
}

// span is a duration in a manager's words: "1 h", "1 h 30 min", "45 min".
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d min", m)
}

// effect is what the action does on one channel.
func (p *plan) effect(t target) string {
	name, sale := t.ch.Name, p.sale.Name
	if t.manual {
		return name + ": manual step in the seller centre (no API for it); confirm here when done"
	}
	n := len(t.ch.SKUs)
	lazada := t.ch.Kind == datasources.KindLazada
	switch p.req.Kind {
	case Pause:
		if lazada {
			return fmt.Sprintf("%s: sellable stock of %s set to 0 (what it takes is saved first and given back by Resume)", name, plural(n, "SKU"))
		}
		return name + ": " + sale + " paused (new orders refused until resumed)"
	case Resume:
		if lazada {
			return fmt.Sprintf("%s: the stock pauses took from %s given back, on top of units that came back meanwhile", name, plural(n, "SKU"))
		}
		return name + ": " + sale + " selling again"
	case Extend:
		if lazada {
			return fmt.Sprintf("%s: sale end date of %s moved to %s", name, plural(n, "SKU"), p.endWords())
		}
		return name + ": " + sale + " ends at " + p.endWords()
	case CancelOrder:
		return fmt.Sprintf("%s: order %s cancelled (its units return to the stock)", name, p.req.OrderID)
	case ReviewOrder:
		return fmt.Sprintf("%s: flag on order %s marked reviewed (the order is kept)", name, p.req.OrderID)
	case CapStock:
		return fmt.Sprintf("%s: sellable stock of %s lowered to at most %s (never raised)", name, p.req.SKU, plural(*p.units, "unit"))
	}
	return name
}

// manualStep is manualStep for a target of the plan.
func (p *plan) manualStep(ch engine.SaleChannelInfo) string {
	if p.req.Kind == CapStock {
		return fmt.Sprintf("In the %s seller centre, open Products, find SKU %s and set its sellable stock to %d (or less). Then confirm here.", ch.Name, p.req.SKU, *p.units)
	}
	return manualStep(p.req.Kind, p.sale, ch, p.until, p.req.OrderID)
}

// manualStep tells a manager what to do by hand on a channel with no API
// for the action.
func manualStep(k Kind, s engine.SaleInfo, ch engine.SaleChannelInfo, until time.Time, order string) string {
	where := "In the " + ch.Name + " seller centre"
	switch k {
	case Pause:
		return where + ", open Promotions > Flash Sale > " + s.Name + " and pause it (or set the SKUs' stock to 0). Then confirm here."
	case Resume:
		return where + ", open Promotions > Flash Sale > " + s.Name + " and resume it (restore the SKUs' stock). Then confirm here."
	case Extend:
		return where + ", open Promotions > Flash Sale > " + s.Name + " and set its end to " +
			until.In(s.Location).Format("Mon 2 Jan 15:04 MST") + ". Then confirm here."
	case CancelOrder:
		return where + ", open Orders, find order " + order + " and cancel it. Then confirm here."
	}
	return where + ". Then confirm here."
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// andList joins names: "A", "A and B", "A, B and C".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
