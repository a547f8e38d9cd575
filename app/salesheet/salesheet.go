// Package salesheet reads and writes a sale's SKUs as a spreadsheet: the
// sheet a launch manager prepares (CSV or XLSX), one row per SKU with its
// name, flash price and one allocation column per channel id. Every error
// names the file, the row and the column, as the manager sees them in
// their spreadsheet program. The package knows nothing of flashdeck.yaml:
// the config passes the channel ids and bounds it applies and turns the
// rows into its own SKUs.
package salesheet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/flashdeck/flashdeck/datasources"
)

// Limits on what a sheet may hold: far beyond a real promotion, low
// enough that a wrong file (a database dump, a zip bomb) is refused
// before it fills memory.
const (
	MaxRows      = 100_000
	MaxFileBytes = 64 << 20
	// MaxErrors is how many problems one read reports; a sheet with more
	// is almost always the wrong file or a shifted column.
	MaxErrors = 50
	// MaxPrice is the highest price taken, in currency units: beyond it a
	// price is a typo, and float64 would no longer keep its cents.
	MaxPrice = 1e12
)

// Row is one SKU of a sheet.
type Row struct {
	// Line is the row number in the sheet (the header is row 1).
	Line       int
	SKU        string
	Name       string
	FlashPrice datasources.Money
	// Allocated is units per channel id. A 0 in the sheet means the SKU
	// is not sold on that channel and has no entry, as in flashdeck.yaml.
	Allocated map[string]int
}

// Sheet is a sale's SKUs as read from a file.
type Sheet struct {
	// File is the name errors use (the file's base name).
	File string
	// Channels are the sheet's channel columns in their order.
	Channels []string
	Rows     []Row
}

// Options say what a sheet is checked against.
type Options struct {
	// Channels are the configured channel ids; a column that is none of
	// them (nor SKU, name or flash price) is an error.
	Channels []string
	// MaxAllocation bounds one SKU's units on one channel.
	MaxAllocation int
}

// Error is a problem at a place in a sheet. Row and Column are 0/"" when
// the problem is the whole file's.
type Error struct {
	File   string
	Row    int
	Column string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Row > 0 {
		fmt.Fprintf(&b, " row %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %s", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found, in sheet order (at most MaxErrors, the
// last then saying that more were left out).
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Load reads a sheet from a file: .csv or .xlsx by its extension.
func Load(path string, opt Options) (*Sheet, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error() + " (" + path + ")"
		}
		return nil, Errors{{File: name, Msg: msg}}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, Errors{{File: name, Msg: err.Error()}}
	}
	if st.Size() > MaxFileBytes {
		return nil, Errors{{File: name, Msg: fmt.Sprintf("%d MiB is more than a sale sheet can be (%d MiB)", st.Size()>>20, MaxFileBytes>>20)}}
	}
	return Parse(name, f, opt)
}

// Parse reads a sheet from r, CSV or XLSX by the extension of name (what
// errors call it).
func Parse(name string, r io.Reader, opt Options) (*Sheet, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return ParseCSV(name, r, opt)
	case ".xlsx":
		return ParseXLSX(name, r, opt)
	}
	return nil, Errors{{File: name, Msg: "not a sale sheet: save it as .csv or .xlsx"}}
}

// column kinds.
const (
	colNone = iota
	colSKU
	colName
	colPrice
	colChannel
)

// headerKinds are the words each fixed column may be headed by, compared
// case-insensitively, with spaces, - and _ taken as one.
var headerKinds = map[string]int{
	"sku": colSKU, "seller sku": colSKU, "sellersku": colSKU,
	"name": colName, "product": colName, "product name": colName,
	"flash price": colPrice, "price": colPrice, "sale price": colPrice,
}

func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), " ")
}

// parser turns records (rows of cells) into a Sheet.
type parser struct {
	file  string
	opt   Options
	sheet *Sheet
	errs  Errors
	// kinds and headers of each column; channel ids for channel columns.
	kinds   []int
	headers []string
	seen    map[string]int // SKU → row it was first seen on
}

func newParser(file string, opt Options) *parser {
	return &parser{file: file, opt: opt, sheet: &Sheet{File: file}, seen: map[string]int{}}
}

// full reports whether enough errors were found to stop reading.
func (p *parser) full() bool { return len(p.errs) >= MaxErrors }

func (p *parser) add(row int, col, format string, args ...any) {
	if p.full() {
		return
	}
	p.errs = append(p.errs, &Error{File: p.file, Row: row, Column: col, Msg: fmt.Sprintf(format, args...)})
	if p.full() {
		p.errs = append(p.errs, &Error{File: p.file, Msg: "more problems were not listed: fix these first (is it the right file, with its columns where the header says?)"})
	}
}

// header reads row 1.
func (p *parser) header(cells []string) {
	known := map[string]string{}
	for _, id := range p.opt.Channels {
		known[strings.ToLower(id)] = id
	}
	have := map[string]string{} // column key → the header that took it
	for _, c := range cells {
		h := strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		kind := colNone
		col := h
		if k, ok := headerKinds[normHeader(h)]; ok {
			kind = k
		} else if id, ok := known[strings.ToLower(h)]; ok {
			kind, col = colChannel, id
		} else if h != "" {
			p.add(1, h, "%q is not a configured channel (%s), nor SKU, name or flash price", h, strings.Join(p.opt.Channels, ", "))
		}
		if kind != colNone {
			key := "channel:" + col
			if kind != colChannel {
				key = strconv.Itoa(kind)
			}
			if prev, dup := have[key]; dup {
				p.add(1, h, "a second column headed %q (the first is %q)", h, prev)
				kind = colNone
			} else {
				have[key] = h
			}
		}
		if kind == colChannel {
			p.sheet.Channels = append(p.sheet.Channels, col)
		}
		p.kinds = append(p.kinds, kind)
		p.headers = append(p.headers, col)
	}
	if !slices.Contains(p.kinds, colSKU) {
		p.add(1, "", "no SKU column (headers are SKU, name, flash price and one column per channel id)")
	}
	if !slices.Contains(p.kinds, colPrice) {
		p.add(1, "", "no flash price column")
	}
	if len(p.sheet.Channels) == 0 {
		p.add(1, "", "no allocation column: head one column per channel with its id (%s)", strings.Join(p.opt.Channels, ", "))
	}
}

// row reads one data row (line is its number in the sheet).
func (p *parser) row(line int, cells []string) {
	blank := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		return // spreadsheets keep empty rows at the end; they say nothing
	}
	if len(p.sheet.Rows) >= MaxRows {
		p.add(line, "", "more than %d rows: a sale sheet has one row per SKU", MaxRows)
		return
	}
	r := Row{Line: line, Allocated: make(map[string]int, len(p.sheet.Channels))}
	allocs := 0 // channel cells read
	for i, kind := range p.kinds {
		cell := ""
		if i < len(cells) {
			cell = strings.TrimSpace(cells[i])
		}
		col := p.headers[i]
		switch kind {
		case colNone:
			if cell != "" {
				p.add(line, columnLetter(i), "%q is in a column without a header", cell)
			}
		case colSKU:
			r.SKU = cell
			if cell == "" {
				p.add(line, col, "no SKU")
			} else if first, dup := p.seen[cell]; dup {
				p.add(line, col, "SKU %q is listed twice (first on row %d)", cell, first)
			} else {
				p.seen[cell] = line
			}
		case colName:
			r.Name = cell
		case colPrice:
			if cell == "" {
				p.add(line, col, "no flash price")
				continue
			}
			m, err := ParsePrice(cell)
			if err != nil {
				p.add(line, col, "%v", err)
			}
			r.FlashPrice = m
		case colChannel:
			if cell == "" {
				p.add(line, col, "empty: write the units allocated to %s, 0 if the SKU is not sold there", col)
				continue
			}
			n, err := parseUnits(cell, p.opt.MaxAllocation)
			if err != nil {
				p.add(line, col, "%v", err)
				continue
			}
			if n > 0 {
				r.Allocated[col] = n
			}
			allocs++
		}
	}
	if allocs == len(p.sheet.Channels) && len(r.Allocated) == 0 {
		p.add(line, "", "no units on any channel: allocate some, or leave the SKU out of the sale")
	}
	for i := len(p.kinds); i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			p.add(line, columnLetter(i), "%q is in a column without a header", strings.TrimSpace(cells[i]))
		}
	}
	p.sheet.Rows = append(p.sheet.Rows, r)
}

func (p *parser) result() (*Sheet, error) {
	if len(p.errs) == 0 && len(p.sheet.Rows) == 0 {
		p.add(0, "", "no SKUs: the sheet has a header and no rows")
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.sheet, nil
}

// ParsePrice reads a price written in the currency's units (1999000 or
// 1999000.50; _ may group digits) into hundredths, the one rule for
// prices in flashdeck.yaml and in sale sheets.
func ParsePrice(s string) (datasources.Money, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !(f >= 0 && f <= MaxPrice) {
		return 0, fmt.Errorf("%q is not a price (write it in currency units, e.g. 1999000)", s)
	}
	return datasources.Money(int64(f*100 + 0.5)), nil
}

// parseUnits reads an allocation: a whole number from 0 to max. A
// spreadsheet may store 1200 as 1200.0; that is taken, 12.5 is not.
func parseUnits(s string, maxUnits int) (int, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, fmt.Errorf("%q is not a number of units", s)
	}
	if f < 0 {
		return 0, fmt.Errorf("allocated stock cannot be negative (%s)", s)
	}
	if maxUnits <= 0 {
		maxUnits = math.MaxInt32
	}
	if f > float64(maxUnits) {
		return 0, fmt.Errorf("%s units is more than flashdeck takes for one SKU on one channel (%d)", s, maxUnits)
	}
	return int(f), nil
}

// columnLetter is a column's spreadsheet name: 0 → A, 26 → AA.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Write writes rows as a sheet to path, CSV or XLSX by its extension,
// with one allocation column per channel in the order given.
func Write(path string, channels []string, rows []Row) error {
	var write func(io.Writer, []string, []Row) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = WriteCSV
	case ".xlsx":
		write = WriteXLSX
	default:
		return fmt.Errorf("%s: a sale sheet is written as .csv or .xlsx", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, channels, rows); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// header is the header row Write uses.
func headerRow(channels []string) []string {
	return append([]string{"SKU", "Name", "Flash price"}, channels...)
}

// cells are a row as Write puts it.
func cells(r Row, channels []string) []string {
	out := []string{r.SKU, r.Name, FormatPrice(r.FlashPrice)}
	for _, ch := range channels {
		out = append(out, strconv.Itoa(r.Allocated[ch]))
	}
	return out
}

// FormatPrice writes a price in currency units, as ParsePrice reads it.
func FormatPrice(m datasources.Money) string {
	if m%100 == 0 {
		return strconv.FormatInt(int64(m/100), 10)
	}
	return fmt.Sprintf("%d.%02d", m/100, m%100)
}
