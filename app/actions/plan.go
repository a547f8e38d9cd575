package actions

import (
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/text"
	"github.com/flashdeck/flashdeck/datasources"
)

// describe writes the confirmation's headline and each channel's effect,
// exactly as it will happen ("Extend POCO M3 flash sale on Lazada ID to
// 01:00 (+1 h); on Akulaku ID: manual step"), as texts each screen writes
// in its language (app/text).
func (p *plan) describe() {
	var api, manual []string
	p.effects = make([]text.Text, len(p.targets))
	for i, t := range p.targets {
		p.effects[i] = p.effect(t)
		if t.manual {
			manual = append(manual, t.ch.Name)
		} else {
			api = append(api, t.ch.Name)
		}
	}
	var parts []text.Text
	if len(api) > 0 {
		parts = append(parts, p.headline(api, false))
	}
	if len(manual) > 0 {
		if len(api) > 0 {
			parts = append(parts, text.New("on %s: manual step", manual))
		} else {
			parts = append(parts, p.headline(manual, true))
		}
	}
	p.summary = text.Join(parts, "; ")
}

// headline is what the action does and where: "Pause POCO M3 flash sale
// on Lazada ID and mi.com ID", with ": manual step" when every channel
// named takes it by hand.
func (p *plan) headline(on []string, manual bool) text.Text {
	sale := p.sale.Name
	switch p.req.Kind {
	case Pause:
		if manual {
			return text.New("Pause %s on %s: manual step", sale, on)
		}
		return text.New("Pause %s on %s", sale, on)
	case Resume:
		if manual {
			return text.New("Resume %s on %s: manual step", sale, on)
		}
		return text.New("Resume %s on %s", sale, on)
	case Extend:
		if manual {
			return text.New("Extend %s to %s on %s: manual step", sale, p.endWords(), on)
		}
		return text.New("Extend %s on %s to %s", sale, on, p.endWords())
	case CancelOrder:
		if manual {
			return text.New("Cancel order %s of %s on %s: manual step", p.req.OrderID, sale, on)
		}
		return text.New("Cancel order %s of %s on %s", p.req.OrderID, sale, on)
	case ReviewOrder:
		if manual {
			return text.New("Mark reviewed: order %s of %s on %s: manual step", p.req.OrderID, sale, on)
		}
		return text.New("Mark reviewed: order %s of %s on %s", p.req.OrderID, sale, on)
	case CapStock:
		if manual {
			return text.New("Cap the stock of %s at %s (what remains of its allocation) on %s: manual step", p.req.SKU, units(*p.units), on)
		}
		return text.New("Cap the stock of %s at %s (what remains of its allocation) on %s", p.req.SKU, units(*p.units), on)
	}
	return text.New("%s on %s", string(p.req.Kind), on)
}

// endWords is the extension's new end with how much later it is than the
// current one: "01:00 (+1 h)", or with the date when it is another day.
func (p *plan) endWords() text.Text {
	loc := p.sale.Location
	base := time.Time{}
	for _, t := range p.targets {
		if t.ch.End.After(base) {
			base = t.ch.End
		}
	}
	u := p.until.In(loc)
	layout := "15:04"
	if y, m, d := u.Date(); y != base.In(loc).Year() || m != base.In(loc).Month() || d != base.In(loc).Day() {
		layout = "Mon 2 Jan 15:04"
	}
	end := text.Time(p.until, loc, layout)
	if !p.asked.IsZero() {
		return text.New("%s (+%s), %s rounded up to the minute", end, span(p.until.Sub(base)), text.Time(p.asked, loc, "15:04:05"))
	}
	return text.New("%s (+%s)", end, span(p.until.Sub(base)))
}

// span is a duration in a manager's words: "1 h", "1 h 30 min", "45 min".
func span(d time.Duration) text.Text {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h > 0 && m > 0:
		return text.New("%s h %s min", h, m)
	case h > 0:
		return text.New("%s h", h)
	}
	return text.New("%s min", m)
}

// effect is what the action does on one channel.
func (p *plan) effect(t target) text.Text {
	name, sale := t.ch.Name, p.sale.Name
	if t.manual {
		return text.New("%s: manual step in the seller centre (no API for it); confirm here when done", name)
	}
	n := len(t.ch.SKUs)
	lazada := t.ch.Kind == datasources.KindLazada
	switch p.req.Kind {
	case Pause:
		if lazada {
			return text.New("%s: sellable stock of %s set to 0 (what it takes is saved first and given back by Resume)", name, skus(n))
		}
		return text.New("%s: %s paused (new orders refused until resumed)", name, sale)
	case Resume:
		if lazada {
			return text.New("%s: the stock pauses took from %s given back, on top of units that came back meanwhile", name, skus(n))
		}
		return text.New("%s: %s selling again", name, sale)
	case Extend:
		if lazada {
			return text.New("%s: sale end date of %s moved to %s", name, skus(n), p.endWords())
		}
		return text.New("%s: %s ends at %s", name, sale, p.endWords())
	case CancelOrder:
		return text.New("%s: order %s cancelled (its units return to the stock)", name, p.req.OrderID)
	case ReviewOrder:
		return text.New("%s: flag on order %s marked reviewed (the order is kept)", name, p.req.OrderID)
	case CapStock:
		return text.New("%s: sellable stock of %s lowered to at most %s (never raised)", name, p.req.SKU, units(*p.units))
	}
	return text.New("%s", name)
}

// manualStep is manualStep for a target of the plan.
func (p *plan) manualStep(ch engine.SaleChannelInfo) text.Text {
	if p.req.Kind == CapStock {
		return text.New("In the %s seller centre, open Products, find SKU %s and set its sellable stock to %s (or less). Then confirm here.", ch.Name, p.req.SKU, *p.units)
	}
	return manualStep(p.req.Kind, p.sale, ch, p.until, p.req.OrderID)
}

// manualStep tells a manager what to do by hand on a channel with no API
// for the action.
func manualStep(k Kind, s engine.SaleInfo, ch engine.SaleChannelInfo, until time.Time, order string) text.Text {
	switch k {
	case Pause:
		return text.New("In the %s seller centre, open Promotions > Flash Sale > %s and pause it (or set the SKUs' stock to 0). Then confirm here.", ch.Name, s.Name)
	case Resume:
		return text.New("In the %s seller centre, open Promotions > Flash Sale > %s and resume it (restore the SKUs' stock). Then confirm here.", ch.Name, s.Name)
	case Extend:
		return text.New("In the %s seller centre, open Promotions > Flash Sale > %s and set its end to %s. Then confirm here.", ch.Name, s.Name,
			text.Time(until, s.Location, "Mon 2 Jan 15:04 MST"))
	case CancelOrder:
		return text.New("In the %s seller centre, open Orders, find order %s and cancel it. Then confirm here.", ch.Name, order)
	}
	return text.New("In the %s seller centre. Then confirm here.", ch.Name)
}

// units is a number of units: "1 unit", "12 units".
func units(n int) text.Text {
	if n == 1 {
		return text.New("1 unit")
	}
	return text.New("%s units", n)
}

// skus is a number of SKUs: "1 SKU", "12 SKUs".
func skus(n int) text.Text {
	if n == 1 {
		return text.New("1 SKU")
	}
	return text.New("%s SKUs", n)
}
