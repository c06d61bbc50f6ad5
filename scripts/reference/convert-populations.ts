/**
 * Converts the ONS workbook "Mid-Year Population Estimates, England and Wales, June 2023"
 * (LAD23_Mid_Year_pop_2011_to_2023.xlsx, sheet MYE4) into data/reference/lad-population-2011-2023.csv
 * in long format, so that no figure is ever retyped by hand.
 *
 *   npx tsx scripts/reference/convert-populations.ts <path/to/LAD23_Mid_Year_pop_2011_to_2023.xlsx>
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { REFERENCE_FILES, referenceDirectory } from "../../src/modules/crime/reference.js";

const SHEET = "MYE4";
// MYE4 also holds countries, regions and counties; these are the local authority district types.
const LAD_GEOGRAPHIES = new Set([
  "Unitary Authority",
  "Non-metropolitan District",
  "Metropolitan District",
  "London Borough",
]);

function cellText(row: ExcelJS.Row, column: number): string {
  const value = row.getCell(column).value;
  return typeof value === "string" ? value.trim() : "";
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function convert(workbookPath: string): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(workbookPath);
  const sheet = workbook.getWorksheet(SHEET);
  if (sheet === undefined) throw new Error(`${workbookPath} has no sheet ${SHEET}`);

  // The table starts below some notes; find its header row rather than trusting a row number.
  let headerRowNumber = 0;
  sheet.eachRow((row, rowNumber) => {
    if (headerRowNumber === 0 && cellText(row, 1) === "Code") headerRowNumber = rowNumber;
  });
  if (headerRowNumber === 0) throw new Error(`no "Code" header row in sheet ${SHEET}`);
  const header = sheet.getRow(headerRowNumber);
  if (cellText(header, 2) !== "Name" || cellText(header, 3) !== "Geography") {
    throw new Error(`unexpected header in sheet ${SHEET}: expected Code, Name, Geography, Mid-YYYY...`);
  }
  const yearColumns: { column: number; year: number }[] = [];
  header.eachCell((cell, column) => {
    const match = /^Mid-(\d{4})$/.exec(typeof cell.value === "string" ? cell.value.trim() : "");
    if (match?.[1] !== undefined) yearColumns.push({ column, year: Number(match[1]) });
  });
  if (yearColumns.length === 0) throw new Error(`no Mid-YYYY columns in sheet ${SHEET}`);
  yearColumns.sort((a, b) => a.year - b.year);

  const lines = ["lad23_code,lad23_name,year,population"];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber <= headerRowNumber || !LAD_GEOGRAPHIES.has(cellText(row, 3))) return;
    const code = cellText(row, 1);
    const name = cellText(row, 2);
    for (const { column, year } of yearColumns) {
      const population = row.getCell(column).value;
      if (typeof population !== "number" || !Number.isInteger(population) || population < 0) {
        throw new Error(
          `${SHEET} row ${rowNumber} (${code}) mid-${year}: not a population: ${JSON.stringify(population)}`,
        );
      }
      lines.push([code, name, year, population].map(csvField).join(","));
    }
  });
  return lines;
}

const workbookPath = process.argv[2];
if (workbookPath === undefined) {
  console.error(
    "usage: npx tsx scripts/reference/convert-populations.ts <LAD23_Mid_Year_pop_2011_to_2023.xlsx>",
  );
  process.exit(2);
}
const lines = await convert(workbookPath);
const outputPath = join(referenceDirectory(), REFERENCE_FILES.ladPopulations);
await writeFile(outputPath, `${lines.join("\n")}\n`);
console.log(`wrote ${lines.length - 1} rows to ${outputPath}`);
