package ui

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/datasources"
)

// skuRow is one SKU on one channel, as the SKUs table shows it. Rows are
// plain data built from a snapshot, so sorting, filtering and the CSV
// export are testable without a display.
type skuRow struct {
	Sale, SaleName  string
	SKU, Name       string
	Channel, ChName string
	Currency        string
	Loc             *time.Location
	FlashPrice      datasources.Money
	Fig             engine.Figures
	State           string // the channel's sale state for the SKU, or the sale's
	ChannelState    string // ok / degraded / down / disabled
	searchText      string // lower-case SKU, name and channel, for the filter
	// tie is the row's place among all rows by SKU, then channel name:
	// the sort's tie-break, worked out when the rows change (their SKUs
	// or channels), not in each of the sort's comparisons.
	tie              int
	etaUnix, asOfAge int64

	// The channel's own sellable stock, as the engine judged it against
	// what remains (engine.CellSnap): Stock and StockDiff nil when there
	// is no reading, StockStatus empty once the sale has ended.
	Stock, StockDiff *int
	StockAsOf        time.Time
	StockStatus      string
	// NoStockAPI: the channel has no stock API (nothing to read, ever).
	NoStockAPI bool
	// stockOld: the reading is older than the figures beside it by more
	// than a poll or two, so the cell shows its age.
	stockOld bool
	// stockSearch is the status in words and as named, lower case, for
	// the filter (shared strings: nothing built per row).
	stockSearch string
}

// skuColumn is a column of the SKUs table.
type skuColumn struct {
	Title string
	Width float32
	// less orders two rows by this column.
	less func(a, b *skuRow) int
	// text is the cell's text; the sell-through column also draws a bar.
	text func(r *skuRow, now time.Time) string
	// absent, when set, says a row has no value in this column: such rows
	// sort last whichever the direction (less is not asked about them).
	absent func(r *skuRow) bool
}

// Columns of the SKUs table, by position in skuColumns.
const (
	colSKU = iota
	colProduct
	colChannel
	colAllocated
	colSold
	colRemaining
	colStock
	colDifference
	colSellThrough
	colRate
	colETA
	colPrice
	colState
	colAge
)

var skuColumns = []skuColumn{
	colSKU:       {key("SKU"), 170, func(a, b *skuRow) int { return strings.Compare(a.SKU, b.SKU) }, func(r *skuRow, _ time.Time) string { return r.SKU }, nil},
	colProduct:   {key("Product"), 250, func(a, b *skuRow) int { return strings.Compare(a.Name, b.Name) }, func(r *skuRow, _ time.Time) string { return r.Name }, nil},
	colChannel:   {key("Channel"), 120, func(a, b *skuRow) int { return strings.Compare(a.ChName, b.ChName) }, func(r *skuRow, _ time.Time) string { return r.ChName }, nil},
	colAllocated: {key("Allocated"), 90, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Allocated, b.Fig.Allocated) }, func(r *skuRow, _ time.Time) string { return format.Count(r.Fig.Allocated, r.Currency) }, nil},
	colSold:      {key("Sold"), 80, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Sold, b.Fig.Sold) }, func(r *skuRow, _ time.Time) string { return format.Count(r.Fig.Sold, r.Currency) }, nil},
	colRemaining: {key("Remaining"), 90, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Remaining, b.Fig.Remaining) }, func(r *skuRow, _ time.Time) string { return format.Count(r.Fig.Remaining, r.Currency) }, nil},
	// What the channel itself says it still has, beside what we count
	// (Remaining), and the difference between the two.
	colStock: {key("Channel stock"), 150, func(a, b *skuRow) int { return cmp.Compare(*a.Stock, *b.Stock) }, stockText,
		func(r *skuRow) bool { return r.Stock == nil }},
	colDifference: {key("Difference"), 230, func(a, b *skuRow) int { return cmp.Compare(*a.StockDiff, *b.StockDiff) }, differenceText,
		func(r *skuRow) bool { return r.StockDiff == nil }},
	colSellThrough: {key("Sell-through"), 130, func(a, b *skuRow) int { return cmp.Compare(a.Fig.SellThrough, b.Fig.SellThrough) }, func(r *skuRow, _ time.Time) string { return format.Percent(r.Fig.SellThrough, r.Currency) }, nil},
	colRate:        {key("Rate"), 90, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Rate1m, b.Fig.Rate1m) }, func(r *skuRow, _ time.Time) string { return format.Rate(r.Fig.Rate1m, r.Currency) }, nil},
	colETA: {key("Sell-out ETA"), 110, func(a, b *skuRow) int { return cmp.Compare(a.etaUnix, b.etaUnix) }, func(r *skuRow, _ time.Time) string {
		if r.Fig.ETASellout == nil {
			return "—"
		}
		return format.Clock(*r.Fig.ETASellout, r.Loc)
	}, nil},
	colPrice: {key("Flash price"), 130, func(a, b *skuRow) int { return cmp.Compare(a.FlashPrice, b.FlashPrice) }, func(r *skuRow, _ time.Time) string { return format.Money(r.FlashPrice, r.Currency) }, nil},
	colState: {key("State"), 100, func(a, b *skuRow) int { return strings.Compare(a.State, b.State) }, func(r *skuRow, _ time.Time) string {
		if r.ChannelState != engine.StateOK {
			return lang.L(strings.ToUpper(r.ChannelState))
		}
		return lang.L(strings.ReplaceAll(r.State, "_", " "))
	}, nil},
	colAge: {key("Data age"), 100, func(a, b *skuRow) int { return cmp.Compare(a.asOfAge, b.asOfAge) }, func(r *skuRow, now time.Time) string { return format.Age(r.Fig.AsOf, now) }, nil},
}

// stockText is the channel's stock of a row: the number, with the age of
// the reading when it is older than the figures beside it; "no stock API"
// for a channel that has none, "—" until it is read.
func stockText(r *skuRow, now time.Time) string {
	switch {
	case r.NoStockAPI:
		return lang.L(engine.StockWords[engine.StockNoAPI])
	case r.Stock == nil:
		return "—"
	}
	t := format.Count(*r.Stock, r.Currency)
	if r.stockOld || r.StockStatus == engine.StockStale {
		t += " · " + fmt.Sprintf(lang.L("%s old"), ageWords(now.Sub(r.StockAsOf)))
	}
	return t
}

// differenceText is channel stock − remaining, signed, with what it
// means: "+200 oversell risk", "−50 not selling", "−3 in flight", "0".
func differenceText(r *skuRow, _ time.Time) string {
	if r.StockDiff == nil {
		return "—"
	}
	t := signedCount(*r.StockDiff, r.Currency)
	if w := stockCellWords[r.StockStatus]; w != "" {
		t += " " + lang.L(w)
	}
	return t
}

// stockCellWords are the statuses in the table's words: the engine's,
// without their explanation in brackets; none where the number says it
// all (0: matches) or the channel stock cell does (no API, unread).
var stockCellWords = func() map[string]string {
	m := make(map[string]string, len(engine.StockWords))
	for st, w := range engine.StockWords {
		switch st {
		case engine.StockMatches, engine.StockNoAPI, engine.StockUnread:
			continue
		}
		w, _, _ = strings.Cut(w, " (")
		m[st] = w
	}
	return m
}()

// stockSearchText is what the filter finds a stock status by: its words
// and its name ("oversell risk oversell_risk").
var stockSearchText = func() map[string]string {
	m := make(map[string]string, len(engine.StockWords))
	for st, w := range engine.StockWords {
		m[st] = strings.ToLower(w + " " + st)
	}
	return m
}()

// signedCount writes a difference with its sign: "+200", "−50", "0".
func signedCount(n int, currency string) string {
	switch {
	case n > 0:
		return "+" + format.Count(n, currency)
	case n < 0:
		return "−" + format.Count(-n, currency)
	}
	return "0"
}

// ageWords is a short age: "45 s", "2 min", "3 h".
func ageWords(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf(lang.L("%d s"), int(max(d, 0).Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(lang.L("%d min"), int(d.Minutes()))
	}
	return fmt.Sprintf(lang.L("%d h"), int(d.Hours()))
}

// stockOldAfter is how much older than the figures beside it a stock
// reading may be before its age is shown: a poll or two, since the
// channel's stock is read with the polls (the selling SKUs) or every few.
func stockOldAfter(poll time.Duration) time.Duration {
	if poll <= 0 {
		poll = 15 * time.Second
	}
	return 2 * poll
}

// buildSKURows flattens a snapshot into rows, reusing dst's storage. The
// filter text of a row only changes when the row's SKU or channel does, so
// it is kept from the previous snapshot instead of being built again for
// thousands of rows several times a second.
func buildSKURows(dst []skuRow, s *engine.Snapshot) []skuRow {
	prev := dst[:cap(dst)]
	had := len(dst)
	dst = dst[:0]
	same := true // every row is the row at its place before
	type chInfo struct {
		name, state string
		stockAPI    bool
		oldAfter    time.Duration
	}
	chans := make(map[string]chInfo, len(s.Channels))
	for _, c := range s.Channels {
		chans[c.ID] = chInfo{c.Name, c.State, c.Capabilities.Stock, stockOldAfter(c.PollInterval)}
	}
	for _, sale := range s.Sales {
		loc := saleLocation(sale)
		for _, k := range sale.SKUs {
			for _, c := range k.Channels {
				ci, known := chans[c.Channel]
				r := skuRow{
					Sale: sale.ID, SaleName: sale.Name, SKU: k.SKU, Name: k.Name,
					Channel: c.Channel, ChName: cmp.Or(ci.name, c.Channel),
					Currency: sale.Currency, Loc: loc, FlashPrice: k.FlashPrice, Fig: c.Figures,
					State: string(c.SaleState), ChannelState: cmp.Or(ci.state, engine.StateDown),
					Stock: c.Stock, StockDiff: c.StockDifference, StockAsOf: c.StockAsOf, StockStatus: c.StockStatus,
					stockSearch: stockSearchText[c.StockStatus],
				}
				// Once the sale has ended the status is gone; the channel's
				// capabilities still say whether it has a stock API.
				r.NoStockAPI = c.StockStatus == engine.StockNoAPI || c.StockStatus == "" && c.Stock == nil && known && !ci.stockAPI
				r.stockOld = c.Stock != nil && !c.AsOf.IsZero() && c.AsOf.Sub(c.StockAsOf) > cmp.Or(ci.oldAfter, stockOldAfter(0))
				if r.State == "" || r.State == string(datasources.SaleUnknown) {
					r.State = sale.State
					if c.Remaining <= 0 && c.Allocated > 0 {
						r.State = engine.SaleSoldOut
					}
				}
				r.etaUnix = 1<<62 - 1
				if c.ETASellout != nil {
					r.etaUnix = c.ETASellout.Unix()
				}
				r.asOfAge = -c.AsOf.Unix()
				if n := len(dst); n < len(prev) && prev[n].Sale == r.Sale && prev[n].SKU == r.SKU && prev[n].Channel == r.Channel &&
					prev[n].Name == r.Name && prev[n].ChName == r.ChName && prev[n].SaleName == r.SaleName {
					r.searchText, r.tie = prev[n].searchText, prev[n].tie
				} else {
					r.searchText = strings.ToLower(k.SKU + " " + k.Name + " " + r.ChName + " " + c.Channel + " " + sale.Name)
					same = false
				}
				dst = append(dst, r)
			}
		}
	}
	if !same || len(dst) != had {
		rankTies(dst)
	}
	return dst
}

// rankTies sets each row's tie: its place by SKU, then channel name, then
// where it is.
func rankTies(rows []skuRow) {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(strings.Compare(rows[a].SKU, rows[b].SKU), strings.Compare(rows[a].ChName, rows[b].ChName), cmp.Compare(a, b))
	})
	for place, i := range order {
		rows[i].tie = place
	}
}

// skuQuery is what the table shows: a filter and a sort order.
type skuQuery struct {
	Text    string // words that must all appear (case-insensitive)
	Sale    string // sale id, "" for all
	Channel string // channel id, "" for all
	SortCol int
	Desc    bool
}

// selectSKURows filters and sorts rows into view (reusing its storage) and
// returns it as indexes into rows.
func selectSKURows(view []int, rows []skuRow, q skuQuery) []int {
	view = view[:0]
	words := strings.Fields(strings.ToLower(q.Text))
rows:
	for i := range rows {
		r := &rows[i]
		if q.Channel != "" && r.Channel != q.Channel || q.Sale != "" && r.Sale != q.Sale {
			continue
		}
		for _, w := range words {
			if !strings.Contains(r.searchText, w) && !strings.Contains(r.stockSearch, w) {
				continue rows
			}
		}
		view = append(view, i)
	}
	if q.SortCol < 0 || q.SortCol >= len(skuColumns) {
		return view
	}
	less, absent := skuColumns[q.SortCol].less, skuColumns[q.SortCol].absent
	slices.SortStableFunc(view, func(a, b int) int {
		var c int
		if absent != nil {
			// Rows without a value (no stock API, not read yet) go last
			// both ways: sorting for the worst oversell or the most
			// missing must not open on a page of dashes.
			switch na, nb := absent(&rows[a]), absent(&rows[b]); {
			case na && nb:
			case na:
				return 1
			case nb:
				return -1
			default:
				c = less(&rows[a], &rows[b])
			}
		} else {
			c = less(&rows[a], &rows[b])
		}
		if c == 0 { // a readable tie-break: SKU, then channel (rankTies)
			return cmp.Compare(rows[a].tie, rows[b].tie)
		}
		if q.Desc {
			return -c
		}
		return c
	})
	return view
}

// writeSKUCSV writes the rows in view as CSV for the post-mortem: raw
// numbers (no separators, money in the currency unit), times in RFC 3339,
// and the text cells (names, ids, states) through actions.CSVCell, as the
// audit's CSV: a spreadsheet runs none of them.
func writeSKUCSV(w io.Writer, rows []skuRow, view []int) error {
	text := actions.CSVCell
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"sale", "sku", "product", "channel", "allocated", "sold", "remaining",
		"sell_through", "rate_1m", "rate_5m", "eta_sellout", "flash_price", "currency", "state", "channel_state", "as_of", "stale",
		"channel_stock", "stock_as_of", "stock_difference", "stock_status"})
	for _, i := range view {
		r := &rows[i]
		eta := ""
		if r.Fig.ETASellout != nil {
			eta = r.Fig.ETASellout.In(r.Loc).Format(time.RFC3339)
		}
		asOf := ""
		if !r.Fig.AsOf.IsZero() {
			asOf = r.Fig.AsOf.UTC().Format(time.RFC3339)
		}
		stock, stockAt, diff := "", "", ""
		if r.Stock != nil {
			stock = strconv.Itoa(*r.Stock)
		}
		if !r.StockAsOf.IsZero() {
			stockAt = r.StockAsOf.UTC().Format(time.RFC3339)
		}
		if r.StockDiff != nil {
			diff = strconv.Itoa(*r.StockDiff)
		}
		status := r.StockStatus
		if status == "" && r.NoStockAPI {
			status = engine.StockNoAPI
		}
		_ = cw.Write([]string{text(r.Sale), text(r.SKU), text(r.Name), text(r.Channel),
			strconv.Itoa(r.Fig.Allocated), strconv.Itoa(r.Fig.Sold), strconv.Itoa(r.Fig.Remaining),
			strconv.FormatFloat(r.Fig.SellThrough, 'f', 4, 64),
			strconv.FormatFloat(r.Fig.Rate1m, 'f', 1, 64), strconv.FormatFloat(r.Fig.Rate5m, 'f', 1, 64),
			eta, moneyPlain(r.FlashPrice), text(r.Currency), text(r.State), text(r.ChannelState), asOf, strconv.FormatBool(r.Fig.Stale),
			stock, stockAt, diff, text(status)})
	}
	cw.Flush()
	return cw.Error()
}

func moneyPlain(m datasources.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return sign + strconv.FormatInt(int64(m/100), 10) + "." + strconv.FormatInt(int64(m%100)/10, 10) + strconv.FormatInt(int64(m%10), 10)
}
