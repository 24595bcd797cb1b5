package policy

import "strings"

// ContextKeys lists the condition keys and policy variables a document uses,
// as written, each once (compared case-insensitively), in document order.
func (d *Document) ContextKeys() []string {
	var out []string
	add := func(k string) {
		for _, have := range out {
			if strings.EqualFold(have, k) {
				return
			}
		}
		out = append(out, k)
	}
	vars := d.Version == "2012-10-17"
	for i := range d.Statements {
		st := &d.Statements[i]
		if vars {
			for _, r := range st.Resources {
				r.tmpl.keys(add)
			}
		}
		for _, c := range st.Conditions {
			add(c.Key)
			if vars {
				for _, t := range c.tmpl {
					t.keys(add)
				}
			}
		}
	}
	return out
}
