package sweep

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// orderedGroup is a Parquet group whose columns keep the table's order
// (parquet.Group sorts them by name).
type orderedGroup struct {
	parquet.Group
	order []string
}

func (g orderedGroup) Fields() []parquet.Field {
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	out := make([]parquet.Field, len(g.order))
	for i, n := range g.order {
		out[i] = byName[n]
	}
	return out
}

// WriteParquet writes a table as Parquet (snappy-compressed): one required
// column per table column, int64 (cell, replication, step), uint64 (seed),
// double (metrics, numeric axes) or string (other axes, metric names).
func WriteParquet(w io.Writer, t Table) error {
	g := orderedGroup{Group: parquet.Group{}}
	for _, c := range t.Columns {
		var n parquet.Node
		switch c.Kind {
		case Int:
			n = parquet.Int(64)
		case Uint:
			n = parquet.Uint(64)
		case Float:
			n = parquet.Leaf(parquet.DoubleType)
		case String:
			n = parquet.String()
		}
		if _, dup := g.Group[c.Name]; dup {
			return fmt.Errorf("table %s: column %q appears twice", t.Name, c.Name)
		}
		g.Group[c.Name] = n
		g.order = append(g.order, c.Name)
	}
	pw := parquet.NewWriter(w, parquet.NewSchema(t.Name, g), parquet.Compression(&parquet.Snappy))
	batch := make([]parquet.Row, 0, 1024)
	flush := func() error {
		if _, err := pw.WriteRows(batch); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	err := t.Rows(func(row []any) error {
		r := make(parquet.Row, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case int64:
				r[i] = parquet.Int64Value(x)
			case uint64:
				r[i] = parquet.Int64Value(int64(x))
			case float64:
				r[i] = parquet.DoubleValue(x)
			case string:
				r[i] = parquet.ByteArrayValue([]byte(x))
			default:
				return fmt.Errorf("table %s: value of type %T", t.Name, v)
			}
			r[i] = r[i].Level(0, 0, i)
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	return err
}
