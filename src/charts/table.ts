/** The data table that accompanies every chart, in the shape govuk-frontend's govukTable macro takes. */

export interface TableCell {
  text: string;
  format?: "numeric";
}

export interface ChartTable {
  caption: string;
  head: TableCell[];
  rows: TableCell[][];
}

export function textCell(text: string): TableCell {
  return { text };
}

export function numericCell(text: string): TableCell {
  return { text, format: "numeric" };
}
