package salesheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// ParseCSV reads a sheet saved as CSV. Spreadsheet programs set to a
// locale whose decimal mark is a comma save with semicolons: a header
// with semicolons and no commas is read that way. A UTF-8 byte order mark
// (Excel's "CSV UTF-8") is skipped.
func ParseCSV(name string, r io.Reader, opt Options) (*Sheet, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxFileBytes+1))
	first, _ := br.Peek(4096)
	first = bytes.TrimPrefix(first, []byte("\ufeff"))
	if nl := bytes.IndexByte(first, '\n'); nl >= 0 {
		first = first[:nl]
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // short rows are empty cells, as a spreadsheet shows them
	cr.ReuseRecord = true
	if bytes.IndexByte(first, ';') >= 0 && bytes.IndexByte(first, ',') < 0 {
		cr.Comma = ';'
	}
	p := newParser(name, opt)
	for line := 1; !p.full(); line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			if line == 1 {
				p.add(0, "", "empty: a sale sheet starts with a header row (SKU, name, flash price, one column per channel id)")
			}
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// The reader knows the character, not the cell: a broken
				// quote has swallowed the separators that would tell.
				p.add(line, "", "not CSV at line %d, character %d: %v", pe.Line, pe.Column, pe.Err)
			} else {
				p.add(line, "", "%v", err)
			}
			break
		}
		if line == 1 {
			p.header(rec)
			if len(p.errs) > 0 {
				break // with the columns wrong, every row would repeat it
			}
			continue
		}
		p.row(line, rec)
	}
	return p.result()
}

// WriteCSV writes rows as CSV, with a header of SKU, Name, Flash price and
// the channels.
func WriteCSV(w io.Writer, channels []string, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(headerRow(channels)); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(cells(r, channels)); err != nil {
			return fmt.Errorf("row %d: %w", r.Line, err)
		}
	}
	cw.Flush()
	return cw.Error()
}
