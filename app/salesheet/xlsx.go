package salesheet

import (
	"fmt"
	"io"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/xuri/excelize/v2"
)

// ParseXLSX reads a sheet saved as an Excel workbook: its first
// worksheet. Cells are read as stored, not as displayed, so a price shown
// as "Rp 1.999.000" by its number format reads 1999000.
func ParseXLSX(name string, r io.Reader, opt Options) (*Sheet, error) {
	p := newParser(name, opt)
	// Unzipped, a workbook is some ten times its size; the limits refuse
	// a zip bomb before it is inflated.
	f, err := excelize.OpenReader(io.LimitReader(r, MaxFileBytes+1), excelize.Options{
		UnzipSizeLimit: 16 * MaxFileBytes, UnzipXMLSizeLimit: 16 * MaxFileBytes,
	})
	if err != nil {
		p.add(0, "", "not an Excel workbook (.xlsx): %v", err)
		return p.result()
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		p.add(0, "", "the workbook has no worksheet")
		return p.result()
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		p.add(0, "", "worksheet %q: %v", sheets[0], err)
		return p.result()
	}
	defer rows.Close()
	line := 0
	for rows.Next() && !p.full() {
		line++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			p.add(line, "", "%v", err)
			break
		}
		if line == 1 {
			p.header(rec)
			if len(p.errs) > 0 {
				break
			}
			continue
		}
		p.row(line, rec)
	}
	if err := rows.Error(); err != nil {
		p.add(line, "", "%v", err)
	}
	if line == 0 {
		p.add(0, "", "worksheet %q is empty: a sale sheet starts with a header row (SKU, name, flash price, one column per channel id)", sheets[0])
	}
	return p.result()
}

// WriteXLSX writes rows as an Excel workbook of one worksheet, "SKUs",
// with prices and units as numbers so the manager's formulas work on them.
func WriteXLSX(w io.Writer, channels []string, rows []Row) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "SKUs"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head := headerRow(channels)
	hc := make([]any, len(head))
	for i, h := range head {
		hc[i] = h
	}
	if err := sw.SetRow("A1", hc); err != nil {
		return err
	}
	for i, r := range rows {
		vals := []any{r.SKU, r.Name, priceValue(r.FlashPrice)}
		for _, ch := range channels {
			vals = append(vals, r.Allocated[ch])
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// priceValue is a price as a number cell: whole units when it has no
// cents, so it reads back exactly.
func priceValue(m datasources.Money) any {
	if m%100 == 0 {
		return int64(m / 100)
	}
	return float64(m) / 100
}
