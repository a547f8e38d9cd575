package engine

import (
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

// build makes a new immutable snapshot from the current state.
func (e *Engine) build() *Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	now := e.now()
	nowMs := now.UnixMilli()
	wall := time.Now()
	s := &Snapshot{At: now, Wall: wall, Seq: e.seq, byID: map[string]int{}}

	// Channels first: every figure takes its staleness from its channel.
	stale := make([]bool, len(e.channels))
	old := make([]bool, len(e.channels))
	for i, ch := range e.channels {
		state := ch.state
		interval := ch.cfg.PollInterval.D()
		// A poll hanging on a slow channel has not failed yet, but its
		// figures are getting old all the same.
		if state != StateDisabled && !ch.lastSuccess.IsZero() && wall.Sub(ch.lastSuccess) > downAfter*interval+ch.cfg.Timeout.D() {
			state = StateDown
		}
		stale[i] = state != StateOK
		old[i] = OldAt(ch.lastSuccess, wall, interval)
		cs := ChannelSnap{
			ID: ch.cfg.ID, Name: ch.cfg.DisplayName(), Kind: ch.cfg.Kind, Market: ch.cfg.Market,
			State: state, LastSuccess: ch.lastSuccess, Old: old[i], LastError: ch.lastError, LastErrorAt: ch.lastErrorAt,
			DownSince: ch.downSince, ConsecutiveFailures: ch.failures, Latency: ch.latency,
			PollInterval: interval, NextPoll: ch.nextPoll, RateLimited: ch.rateLimited,
			ReplacedBy: ch.cfg.ReplacedBy, Capabilities: ch.caps, Orders: ch.orders.len(),
			Backfill: ch.backfill, Spark: ch.spark.series(nowMs),
		}
		s.byID[cs.ID] = len(s.Channels)
		s.Channels = append(s.Channels, cs)
	}

	for _, sl := range e.sales {
		ss := SaleSnap{
			ID: sl.cfg.ID, Name: sl.cfg.Name, Start: sl.cfg.Start, End: sl.endTime(),
			TimeZone: sl.cfg.Location().String(), Currency: sl.cfg.Currency, PerBuyerLimit: sl.cfg.PerBuyerLimit,
			Flags: e.flagsLocked(sl).summary,
		}
		perCh := make(map[int]*Figures, len(sl.chans))
		stockCh := make(map[int]*SaleChannelSnap, len(sl.chans))
		for _, ci := range sl.chans {
			perCh[ci] = &Figures{}
			stockCh[ci] = &SaleChannelSnap{}
		}
		ended := !now.Before(sl.endTime())
		stockCheck := sl.cfg.StockCheck
		stockCheck.InFlightSlack = inFlightSlack(sl.cfg)
		for _, k := range sl.skus {
			ks := SKUSnap{SKU: k.cfg.SKU, Name: k.cfg.Name, FlashPrice: k.cfg.FlashPrice.Money()}
			for _, cidx := range k.cells {
				c := &e.cells[cidx]
				ch := e.channels[c.ch]
				f := Figures{
					Allocated: c.allocated, Sold: c.sold,
					Rate1m: c.rate.sum(nowMs, time.Minute), Rate5m: c.rate.sum(nowMs, 5*time.Minute) / 5,
					AsOf: ch.lastSuccess, Stale: stale[c.ch], Old: old[c.ch],
				}
				f.finish(now, sl)
				cell := CellSnap{Channel: ch.cfg.ID, Figures: f}
				if r, ok := ch.stock[k.cfg.SKU]; ok {
					n := r.Sellable
					cell.Stock = &n
					cell.StockAsOf = ch.stockWall[k.cfg.SKU]
					cell.SaleState = r.State
				}
				if cell.Stock != nil {
					d := *cell.Stock - f.Remaining
					cell.StockDifference = &d
				}
				cell.StockStatus = judgeStock(stockCase{
					hasAPI: ch.caps.Stock, stock: cell.Stock, readAt: cell.StockAsOf, now: wall,
					remaining: max(c.allocated-c.soldAtStock, 0), behind: c.behindAtStock, rate: f.Rate1m, speed: e.clockSpeed(),
					pollEvery: ch.cfg.PollInterval.D(), staleAfter: staleAfter(sl.cfg.StockCheck, ch.cfg),
					paused: sl.pausedOn[c.ch], check: stockCheck,
				})
				if ended {
					cell.StockStatus = ""
				}
				stockCh[c.ch].addStock(cell)
				ks.Channels = append(ks.Channels, cell)
				ks.Figures.merge(f)
				perCh[c.ch].merge(f)
			}
			ks.Figures.finish(now, sl)
			ss.SKUs = append(ss.SKUs, ks)
			ss.Figures.merge(ks.Figures)
		}
		for _, ci := range sl.chans {
			f := perCh[ci]
			f.finish(now, sl)
			sc := *stockCh[ci]
			sc.Channel, sc.Figures = e.channels[ci].cfg.ID, *f
			sc.End, sc.Paused = time.UnixMilli(sl.endOn[ci]).In(sl.cfg.End.Location()), sl.pausedOn[ci]
			ss.Channels = append(ss.Channels, sc)
		}
		ss.Figures.finish(now, sl)
		switch {
		case now.Before(sl.cfg.Start):
			ss.State = SaleScheduled
		case ss.Allocated > 0 && ss.Remaining == 0:
			ss.State = SaleSoldOut
		case !now.Before(ss.End):
			ss.State = SaleEnded
		default:
			ss.State = SaleLive
		}
		s.Sales = append(s.Sales, ss)
	}
	return s
}

// merge adds another figure's counts and rates into f; f becomes stale (or
// old) if the other is, and its age is the oldest of the two.
func (f *Figures) merge(o Figures) {
	f.Allocated += o.Allocated
	f.Sold += o.Sold
	f.Rate1m += o.Rate1m
	f.Rate5m += o.Rate5m
	f.Stale = f.Stale || o.Stale
	f.Old = f.Old || o.Old
	// The sum is as old as its oldest part; a part never read (zero)
	// makes the whole unknown, and stays so.
	switch {
	case !f.merged:
		f.AsOf, f.merged = o.AsOf, true
	case f.AsOf.IsZero():
	case o.AsOf.IsZero() || o.AsOf.Before(f.AsOf):
		f.AsOf = o.AsOf
	}
}

// finish derives remaining, sell-through and the sell-out ETA from the counts.
func (f *Figures) finish(now time.Time, s *sale) {
	f.Remaining = max(f.Allocated-f.Sold, 0)
	if f.Allocated > 0 {
		f.SellThrough = float64(min(f.Sold, f.Allocated)) / float64(f.Allocated)
	}
	f.ETASellout = nil
	rate := f.Rate1m
	if rate <= 0 {
		rate = f.Rate5m
	}
	if f.Remaining > 0 && rate > 0 && now.Before(s.endTime()) && !now.Before(s.cfg.Start) {
		// A sell-out further away than a sale may last is no forecast
		// (and past 292 years it would not even fit a Duration).
		if d := float64(f.Remaining) / rate * float64(time.Minute); d <= float64(config.MaxSaleLength) {
			eta := now.Add(time.Duration(d))
			f.ETASellout = &eta
		}
	}
}

// addStock adds one SKU's channel stock into its sale channel's sum.
func (sc *SaleChannelSnap) addStock(c CellSnap) {
	sc.StockIssues.add(c.StockStatus)
	if c.Stock == nil {
		return
	}
	if sc.Stock == nil {
		sc.Stock = new(int)
		sc.StockAsOf = c.StockAsOf
	}
	*sc.Stock += max(*c.Stock, 0)
	if c.StockAsOf.Before(sc.StockAsOf) {
		sc.StockAsOf = c.StockAsOf
	}
}

// clockSpeed is how many sale seconds pass in a wall second: 1, but in a
// sped-up demo or simulation (the config's clock).
func (e *Engine) clockSpeed() float64 {
	if e.cfg.Clock != nil && e.cfg.Clock.Speed > 0 {
		return e.cfg.Clock.Speed
	}
	return 1
}
