package ui

import (
	"cmp"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/datasources"
)

// skuRow is one SKU on one channel, as the SKUs table shows it. Rows are
// plain data built from a snapshot, so sorting, filtering and the CSV
// export are testable without a display.
type skuRow struct {
	Sale, SaleName   string
	SKU, Name        string
	Channel, ChName  string
	Currency         string
	Loc              *time.Location
	FlashPrice       datasources.Money
	Fig              engine.Figures
	State            string // the channel's sale state for the SKU, or the sale's
	ChannelState     string // ok / degraded / down / disabled
	searchText       string // lower-case SKU, name and channel, for the filter
	etaUnix, asOfAge int64
}

// skuColumn is a column of the SKUs table.
type skuColumn struct {
	Title string
	Width float32
	// less orders two rows by this column.
	less func(a, b *skuRow) int
	// text is the cell's text; the sell-through column also draws a bar.
	text func(r *skuRow, now time.Time) string
}

var skuColumns = []skuColumn{
	{"SKU", 170, func(a, b *skuRow) int { return strings.Compare(a.SKU, b.SKU) }, func(r *skuRow, _ time.Time) string { return r.SKU }},
	{"Product", 250, func(a, b *skuRow) int { return strings.Compare(a.Name, b.Name) }, func(r *skuRow, _ time.Time) string { return r.Name }},
	{"Channel", 120, func(a, b *skuRow) int { return strings.Compare(a.ChName, b.ChName) }, func(r *skuRow, _ time.Time) string { return r.ChName }},
	{"Allocated", 90, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Allocated, b.Fig.Allocated) }, func(r *skuRow, _ time.Time) string { return format.Count(r.Fig.Allocated, r.Currency) }},
	{"Sold", 80, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Sold, b.Fig.Sold) }, func(r *skuRow, _ time.Time) string { return format.Count(r.Fig.Sold, r.Currency) }},
	{"Remaining", 90, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Remaining, b.Fig.Remaining) }, func(r *skuRow, _ time.Time) string { return format.Count(r.Fig.Remaining, r.Currency) }},
	{"Sell-through", 130, func(a, b *skuRow) int { return cmp.Compare(a.Fig.SellThrough, b.Fig.SellThrough) }, func(r *skuRow, _ time.Time) string { return format.Percent(r.Fig.SellThrough) }},
	{"Rate", 90, func(a, b *skuRow) int { return cmp.Compare(a.Fig.Rate1m, b.Fig.Rate1m) }, func(r *skuRow, _ time.Time) string { return format.Rate(r.Fig.Rate1m) }},
	{"Sell-out ETA", 110, func(a, b *skuRow) int { return cmp.Compare(a.etaUnix, b.etaUnix) }, func(r *skuRow, _ time.Time) string {
		if r.Fig.ETASellout == nil {
			return "—"
		}
		return format.Clock(*r.Fig.ETASellout, r.Loc)
	}},
	{"Flash price", 130, func(a, b *skuRow) int { return cmp.Compare(a.FlashPrice, b.FlashPrice) }, func(r *skuRow, _ time.Time) string { return format.Money(r.FlashPrice, r.Currency) }},
	{"State", 100, func(a, b *skuRow) int { return strings.Compare(a.State, b.State) }, func(r *skuRow, _ time.Time) string {
		if r.ChannelState != engine.StateOK {
			return strings.ToUpper(r.ChannelState)
		}
		return strings.ReplaceAll(r.State, "_", " ")
	}},
	{"Data age", 100, func(a, b *skuRow) int { return cmp.Compare(a.asOfAge, b.asOfAge) }, func(r *skuRow, now time.Time) string { return format.Age(r.Fig.AsOf, now) }},
}

// buildSKURows flattens a snapshot into rows, reusing dst's storage. The
// filter text of a row only changes when the row's SKU or channel does, so
// it is kept from the previous snapshot instead of being built again for
// thousands of rows several times a second.
func buildSKURows(dst []skuRow, s *engine.Snapshot) []skuRow {
	prev := dst[:cap(dst)]
	dst = dst[:0]
	names := make(map[string]string, len(s.Channels))
	states := make(map[string]string, len(s.Channels))
	for _, c := range s.Channels {
		names[c.ID], states[c.ID] = c.Name, c.State
	}
	for _, sale := range s.Sales {
		loc := saleLocation(sale)
		for _, k := range sale.SKUs {
			for _, c := range k.Channels {
				r := skuRow{
					Sale: sale.ID, SaleName: sale.Name, SKU: k.SKU, Name: k.Name,
					Channel: c.Channel, ChName: cmp.Or(names[c.Channel], c.Channel),
					Currency: sale.Currency, Loc: loc, FlashPrice: k.FlashPrice, Fig: c.Figures,
					State: string(c.SaleState), ChannelState: cmp.Or(states[c.Channel], engine.StateDown),
				}
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
					r.searchText = prev[n].searchText
				} else {
					r.searchText = strings.ToLower(k.SKU + " " + k.Name + " " + r.ChName + " " + c.Channel + " " + sale.Name)
				}
				dst = append(dst, r)
			}
		}
	}
	return dst
}

// skuQuery is what the table shows: a filter and a sort order.
type skuQuery struct {
	Text    string // words that must all appear (case-insensitive)
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
		if q.Channel != "" && r.Channel != q.Channel {
			continue
		}
		for _, w := range words {
			if !strings.Contains(r.searchText, w) {
				continue rows
			}
		}
		view = append(view, i)
	}
	if q.SortCol < 0 || q.SortCol >= len(skuColumns) {
		return view
	}
	less := skuColumns[q.SortCol].less
	slices.SortStableFunc(view, func(a, b int) int {
		c := less(&rows[a], &rows[b])
		if c == 0 { // a stable, readable tie-break: SKU, then channel
			c = cmp.Or(strings.Compare(rows[a].SKU, rows[b].SKU), strings.Compare(rows[a].ChName, rows[b].ChName))
			return c
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
		"sell_through", "rate_1m", "rate_5m", "eta_sellout", "flash_price", "currency", "state", "channel_state", "as_of", "stale"})
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
		_ = cw.Write([]string{text(r.Sale), text(r.SKU), text(r.Name), text(r.Channel),
			strconv.Itoa(r.Fig.Allocated), strconv.Itoa(r.Fig.Sold), strconv.Itoa(r.Fig.Remaining),
			strconv.FormatFloat(r.Fig.SellThrough, 'f', 4, 64),
			strconv.FormatFloat(r.Fig.Rate1m, 'f', 1, 64), strconv.FormatFloat(r.Fig.Rate5m, 'f', 1, 64),
			eta, moneyPlain(r.FlashPrice), text(r.Currency), text(r.State), text(r.ChannelState), asOf, strconv.FormatBool(r.Fig.Stale)})
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
