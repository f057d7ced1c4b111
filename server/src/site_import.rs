//! Importing sites from a district's registry spreadsheet (CSV or XLSX).
//!
//! The file is read into a [`Table`] of text cells ([`read_table`]); the header row names the
//! columns (Chinese, as a registry has them, or English; see [`Field`]); [`plan`] then turns
//! each row into a site to create or update, or into the errors of its fields, using the
//! domain's parsing (`Text`, `CreditCode`, `PhoneNumber`, `Area`, `SiteType`, `Site::new`) and
//! the known regions. Nothing here writes: the route writes the planned sites.
//!
//! Which existing site a row updates: the one with the row's 编号 (`id`) if given; otherwise
//! the one with the same 统一社会信用代码 and 地址 when the row has a credit code, or the same
//! 名称 and 地址 when it has none. Any other row creates a site. Columns the file does not have
//! leave an updated site's value as it was; an empty cell in a column the file has clears an
//! optional value (credit code, contact).

use crate::regions::RegionIndex;
use anxun_domain::{
    api::{ImportFieldError, ImportRowStatus, SiteImportRow},
    ids::SiteId,
    region::{RegionPath, Scope},
    site::{Area, Contact, CreditCode, FireClass, PhoneNumber, Site, SiteType, SiteWire},
    text::Text,
};
use std::collections::HashMap;

/// The most data rows one import may have.
pub const MAX_ROWS: usize = 10_000;

/// The XLSX media type.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The file formats the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format of a `Content-Type` (parameters such as `charset` are ignored).
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match mime.as_str() {
            "text/csv" => Some(Format::Csv),
            XLSX_MIME => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The bytes are not a file of the declared format.
    #[error("{0}")]
    Unreadable(String),
    /// A readable file that is not a usable registry (no header, missing columns, too long).
    #[error("{0}")]
    Unusable(String),
}

/// A sheet as text: each row with its line number in the file (1-based, as a spreadsheet
/// numbers it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Reads the whole file as text cells: CSV in UTF-8 (with or without a byte-order mark) or, as
/// Excel saves it on Chinese Windows, GB18030; XLSX: the first worksheet.
pub fn read_table(format: Format, bytes: &[u8]) -> Result<Table, ImportError> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(ImportError::Unreadable(
                    "the CSV file is neither UTF-8 nor GB18030 text".to_owned(),
                ));
            }
            text
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    for record in reader.records() {
        let record = record
            .map_err(|e| ImportError::Unreadable(format!("the CSV file cannot be read: {e}")))?;
        let line = record.position().map_or(0, |position| {
            u32::try_from(position.line()).unwrap_or(u32::MAX)
        });
        table
            .rows
            .push((line, record.iter().map(str::to_owned).collect()));
        check_length(&table)?;
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ImportError> {
    use calamine::Reader;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable(format!("not an XLSX workbook: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Unusable("the workbook has no worksheet".to_owned()))?
        .map_err(|e| ImportError::Unreadable(format!("the first worksheet cannot be read: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let first_column = range.start().map_or(0, |(_, column)| column) as usize;
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let line = first_row
            .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
            .saturating_add(1);
        // Cells before the used range's first column are empty.
        let mut cells = vec![String::new(); first_column];
        cells.extend(row.iter().map(cell_text));
        table.rows.push((line, cells));
        check_length(&table)?;
    }
    Ok(table)
}

fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Empty | calamine::Data::Error(_) => String::new(),
        // Numbers typed into a registry are codes and phone numbers: 13800000001, not 1.38e10.
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

fn check_length(table: &Table) -> Result<(), ImportError> {
    // The header and perhaps a title row above it.
    if table.rows.len() > MAX_ROWS + 10 {
        return Err(ImportError::Unusable(format!(
            "the file has more than {MAX_ROWS} rows; split it"
        )));
    }
    Ok(())
}

/// A column the import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    Name,
    CreditCode,
    Address,
    District,
    Street,
    Grid,
    Areas,
    SiteType,
    Contact,
    Phone,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Field::Id,
        Field::Name,
        Field::CreditCode,
        Field::Address,
        Field::District,
        Field::Street,
        Field::Grid,
        Field::Areas,
        Field::SiteType,
        Field::Contact,
        Field::Phone,
    ];

    /// The stable key, used in the report.
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::CreditCode => "credit_code",
            Field::Address => "address",
            Field::District => "district",
            Field::Street => "street",
            Field::Grid => "grid",
            Field::Areas => "areas",
            Field::SiteType => "site_type",
            Field::Contact => "contact",
            Field::Phone => "phone",
        }
    }

    /// The headers that name this column (the first is the registry's usual one); compared
    /// without spaces, `*` marks and case.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["编号", "场所编号", "id", "site_id"],
            Field::Name => &["名称", "单位名称", "场所名称", "name"],
            Field::CreditCode => &["统一社会信用代码", "信用代码", "credit_code"],
            Field::Address => &["地址", "详细地址", "经营地址", "address"],
            Field::District => &["区", "所属区", "区县", "district"],
            Field::Street => &["街道", "街镇", "所属街道", "street"],
            Field::Grid => &["网格", "所属网格", "网格编号", "grid"],
            Field::Areas => &["行业/检查领域", "检查领域", "行业", "领域", "areas", "area"],
            Field::SiteType => &["场所类型", "类型", "site_type"],
            Field::Contact => &["联系人", "负责人", "contact"],
            Field::Phone => &["电话", "联系电话", "手机", "phone"],
        }
    }

    /// Whether a registry must have this column.
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Name
                | Field::Address
                | Field::District
                | Field::Street
                | Field::Grid
                | Field::Areas
        )
    }

    fn of_header(header: &str) -> Option<Field> {
        let normal = normalise_header(header);
        Field::ALL.into_iter().find(|field| {
            field
                .headers()
                .iter()
                .any(|name| normalise_header(name) == normal)
        })
    }
}

fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{feff}')
        .collect::<String>()
        .to_lowercase()
}

/// Where each known column is, with its header as written.
#[derive(Debug, Clone)]
struct Columns {
    at: HashMap<Field, (usize, String)>,
    header_line: u32,
}

impl Columns {
    /// Finds the header: the first of the first ten rows that names at least two known
    /// columns (a registry may have a title row above it).
    fn find(table: &Table) -> Result<(Columns, usize), ImportError> {
        let header = table.rows.iter().take(10).position(|(_, cells)| {
            cells
                .iter()
                .filter(|cell| Field::of_header(cell).is_some())
                .count()
                >= 2
        });
        let Some(index) = header else {
            return Err(ImportError::Unusable(format!(
                "no header row found: the first row should name the columns ({})",
                required_headers()
            )));
        };
        let (line, cells) = &table.rows[index];
        let mut at = HashMap::new();
        for (column, cell) in cells.iter().enumerate() {
            if let Some(field) = Field::of_header(cell)
                && at.insert(field, (column, cell.trim().to_owned())).is_some()
            {
                return Err(ImportError::Unusable(format!(
                    "two columns are `{}`: keep one",
                    field.headers()[0]
                )));
            }
        }
        let missing: Vec<&str> = Field::ALL
            .into_iter()
            .filter(|field| field.required() && !at.contains_key(field))
            .map(|field| field.headers()[0])
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::Unusable(format!(
                "missing columns: {} (required: {})",
                missing.join(", "),
                required_headers()
            )));
        }
        Ok((
            Columns {
                at,
                header_line: *line,
            },
            index,
        ))
    }

    /// The trimmed cell of `field` in `cells`: `None` when the file has no such column.
    fn cell<'a>(&self, cells: &'a [String], field: Field) -> Option<&'a str> {
        self.at
            .get(&field)
            .map(|(column, _)| cells.get(*column).map_or("", |cell| cell.trim()))
    }

    fn header(&self, field: Field) -> Option<String> {
        self.at.get(&field).map(|(_, header)| header.clone())
    }
}

fn required_headers() -> String {
    Field::ALL
        .into_iter()
        .filter(|field| field.required())
        .map(|field| field.headers()[0])
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an import would do: the report's rows, and the sites to write (created and updated).
#[derive(Debug, Clone)]
pub struct Plan {
    pub rows: Vec<SiteImportRow>,
    pub writes: Vec<Site>,
}

/// Plans the import of `table` by an administrator with `scope`, against the `existing` sites
/// and the known `regions`.
pub fn plan(
    table: &Table,
    regions: &RegionIndex,
    existing: &[Site],
    scope: &Scope,
) -> Result<Plan, ImportError> {
    let (columns, header_index) = Columns::find(table)?;
    let data = &table.rows[header_index + 1..];
    if data.len() > MAX_ROWS {
        return Err(ImportError::Unusable(format!(
            "the file has {} rows; at most {MAX_ROWS} per import",
            data.len()
        )));
    }
    let mut plan = Plan {
        rows: Vec::new(),
        writes: Vec::new(),
    };
    // The line of the row that took each site id and each matching key.
    let mut taken_ids: HashMap<SiteId, u32> = HashMap::new();
    let mut taken_keys: HashMap<String, u32> = HashMap::new();
    for (line, cells) in data {
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let name = columns
            .cell(cells, Field::Name)
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        let row = RowReader {
            columns: &columns,
            cells,
            errors: Vec::new(),
        };
        let outcome = row
            .read(regions, existing, scope)
            .and_then(|(site, status, key)| {
                let duplicate = taken_ids
                    .get(&site.id())
                    .or_else(|| key.as_ref().and_then(|key| taken_keys.get(key)));
                if let Some(first) = duplicate {
                    return Err(vec![error(
                        &columns,
                        Field::Name,
                        format!("the same site as row {first}; keep one of the two rows"),
                    )]);
                }
                taken_ids.insert(site.id(), *line);
                if let Some(key) = key {
                    taken_keys.insert(key, *line);
                }
                Ok((site, status))
            });
        plan.rows.push(match outcome {
            Ok((site, status)) => {
                let id = site.id();
                plan.writes.push(site);
                SiteImportRow {
                    row: *line,
                    status,
                    site: Some(id),
                    name,
                    errors: Vec::new(),
                }
            }
            Err(errors) => SiteImportRow {
                row: *line,
                status: ImportRowStatus::Invalid,
                site: None,
                name,
                errors,
            },
        });
    }
    if plan.rows.is_empty() {
        return Err(ImportError::Unusable(format!(
            "no rows below the header (line {})",
            columns.header_line
        )));
    }
    Ok(plan)
}

fn error(columns: &Columns, field: Field, message: String) -> ImportFieldError {
    ImportFieldError {
        field: field.key().to_owned(),
        header: columns.header(field),
        message,
    }
}

/// One row being read: its fields, and the errors found so far.
struct RowReader<'a> {
    columns: &'a Columns,
    cells: &'a [String],
    errors: Vec<ImportFieldError>,
}

impl RowReader<'_> {
    /// The site the row makes, whether it is new, and its matching key.
    fn read(
        mut self,
        regions: &RegionIndex,
        existing: &[Site],
        scope: &Scope,
    ) -> Result<(Site, ImportRowStatus, Option<String>), Vec<ImportFieldError>> {
        let id = self.optional(Field::Id, |text| {
            SiteId::parse(text).map_err(|_| format!("`{text}` is not a site id (a UUID)"))
        });
        let name = self.required(Field::Name, parse_text);
        let address = self.required(Field::Address, parse_text);
        let credit_code = self.optional(Field::CreditCode, |text| {
            CreditCode::parse(text).map_err(|e| e.to_string())
        });
        let region = self.region(regions);
        let areas = self.required(Field::Areas, parse_areas);
        let site_type = self.optional(Field::SiteType, parse_site_type);
        let contact = self.optional(Field::Contact, parse_text);
        let phone = self.optional(Field::Phone, |text| {
            PhoneNumber::parse(text).map_err(|e| e.to_string())
        });
        if let Some(region) = &region
            && !scope.covers(region)
        {
            self.fail(
                Field::District,
                format!(
                    "{}/{}/{} is outside your scope",
                    region.district, region.street, region.grid
                ),
            );
        }
        let (Some(id), Some(name), Some(address), Some(credit_code), Some(region), Some(areas)) =
            (id, name, address, credit_code, region, areas)
        else {
            return Err(self.errors);
        };
        let (Some(site_type), Some(contact), Some(phone)) = (site_type, contact, phone) else {
            return Err(self.errors);
        };
        if !self.errors.is_empty() {
            return Err(self.errors);
        }

        let key = match &credit_code {
            Cell::Value(code) => format!("code:{code}|{address}"),
            Cell::Absent | Cell::Empty => format!("name:{name}|{address}"),
        };
        let stored = match id.value() {
            Some(id) => existing.iter().find(|site| site.id() == *id),
            None => existing.iter().find(|site| {
                site.address() == &address
                    && match &credit_code {
                        Cell::Value(code) => site.credit_code() == Some(code),
                        Cell::Absent | Cell::Empty => site.name() == &name,
                    }
            }),
        };
        if let Some(stored) = stored
            && !scope.covers(stored.region())
        {
            self.fail(
                Field::Name,
                "this row updates a site outside your scope".to_owned(),
            );
            return Err(self.errors);
        }
        let status = if stored.is_some() {
            ImportRowStatus::Updated
        } else {
            ImportRowStatus::Created
        };
        let mut fields = match stored {
            Some(stored) => stored.clone().into_fields(),
            None => SiteWire {
                id: id.value().copied().unwrap_or_else(SiteId::generate),
                name: name.clone(),
                address: address.clone(),
                site_type: SiteType::Other,
                areas: Vec::new(),
                credit_code: None,
                responsible: None,
                region: region.clone(),
                gps: None,
                fire_class: FireClass::default(),
                parties: Vec::new(),
            },
        };
        fields.name = name;
        fields.address = address;
        fields.region = region;
        fields.areas = areas;
        match credit_code {
            Cell::Absent => {}
            Cell::Empty => fields.credit_code = None,
            Cell::Value(code) => fields.credit_code = Some(code),
        }
        if let Cell::Value(site_type) = site_type {
            fields.site_type = site_type;
        }
        match (contact, phone) {
            // Neither column: the contact stays as it was.
            (Cell::Absent, Cell::Absent) => {}
            (contact, phone) => match (contact.into_value(), phone.into_value()) {
                (Some(name), phone) => fields.responsible = Some(Contact { name, phone }),
                (None, None) => fields.responsible = None,
                (None, Some(_)) => {
                    self.fail(
                        Field::Contact,
                        "a telephone number needs the contact's name".to_owned(),
                    );
                    return Err(self.errors);
                }
            },
        }
        match Site::new(fields) {
            Ok(site) => Ok((site, status, Some(key))),
            Err(e) => {
                self.fail(Field::Areas, e.to_string());
                Err(self.errors)
            }
        }
    }

    /// The region path: district, street and grid, each a known region under the one before.
    fn region(&mut self, regions: &RegionIndex) -> Option<RegionPath> {
        let district = self.required(Field::District, |text| regions.district(text))?;
        let street = self.required(Field::Street, |text| regions.street(&district, text))?;
        let grid = self.required(Field::Grid, |text| regions.grid(&street, text))?;
        Some(RegionPath {
            district,
            street,
            grid,
        })
    }

    fn fail(&mut self, field: Field, message: String) {
        self.errors.push(error(self.columns, field, message));
    }

    /// A required field's value, or `None` after recording why there is none.
    fn required<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.columns.cell(self.cells, field) {
            None | Some("") => {
                self.fail(field, "required".to_owned());
                None
            }
            Some(text) => parse(text).map_err(|e| self.fail(field, e)).ok(),
        }
    }

    /// An optional field's cell, or `None` after recording why its value cannot be used.
    fn optional<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Cell<T>> {
        match self.columns.cell(self.cells, field) {
            None => Some(Cell::Absent),
            Some("") => Some(Cell::Empty),
            Some(text) => match parse(text) {
                Ok(value) => Some(Cell::Value(value)),
                Err(e) => {
                    self.fail(field, e);
                    None
                }
            },
        }
    }
}

/// An optional field of a row: the file has no such column (an updated site keeps its
/// value), the cell is empty (the value is cleared), or its value.
enum Cell<T> {
    Absent,
    Empty,
    Value(T),
}

impl<T> Cell<T> {
    fn value(&self) -> Option<&T> {
        match self {
            Cell::Value(value) => Some(value),
            Cell::Absent | Cell::Empty => None,
        }
    }

    fn into_value(self) -> Option<T> {
        match self {
            Cell::Value(value) => Some(value),
            Cell::Absent | Cell::Empty => None,
        }
    }
}

fn parse_text(text: &str) -> Result<Text, String> {
    Text::parse(text).map_err(|e| e.to_string())
}

/// One or more areas, separated by 、 , ， ; ； / or spaces: codes (`gas`) or Chinese names
/// (城镇燃气 or 燃气, 厂房仓库 or 厂房 or 仓库, 电动自行车 or 电动自行车停放充电).
fn parse_areas(text: &str) -> Result<Vec<Area>, String> {
    let mut areas = Vec::new();
    for token in text
        .split(|c: char| "、,，;；/|".contains(c) || c.is_whitespace())
        .filter(|token| !token.is_empty())
    {
        let area = match token {
            "城镇燃气" | "燃气" => Area::Gas,
            "厂房仓库" | "厂房" | "仓库" => Area::FactoryWarehouse,
            "电动自行车停放充电" | "电动自行车" | "电动车" => Area::Ebike,
            code => Area::parse(&code.to_ascii_lowercase()).map_err(|_| {
                format!(
                    "`{token}` is not an area: use 城镇燃气, 厂房仓库 or 电动自行车 \
                     (gas, factory_warehouse or ebike)"
                )
            })?,
        };
        areas.push(area);
    }
    if areas.is_empty() {
        return Err("required".to_owned());
    }
    Ok(areas)
}

/// 场所类型: a Chinese name or the code (`restaurant`).
fn parse_site_type(text: &str) -> Result<SiteType, String> {
    let site_type = match text {
        "餐饮" | "餐饮店" | "饭店" => SiteType::Restaurant,
        "商铺" | "商店" => SiteType::Shop,
        "厂房" | "工厂" => SiteType::Factory,
        "仓库" => SiteType::Warehouse,
        "多业态混合生产经营场所" | "合用场所" | "多业态" => SiteType::MixedUse,
        "居住小区" | "居住建筑" | "住宅" => SiteType::Residential,
        "电动自行车集中停放充电场所" | "集中充电场所" => SiteType::EbikeFacility,
        "快递外卖站点" | "电动车销售维修店" | "快递外卖站点或电动车销售维修店" => {
            SiteType::DeliveryOrEbikeShop
        }
        "其他" => SiteType::Other,
        code => serde_json::from_value(serde_json::Value::String(code.to_ascii_lowercase()))
            .map_err(|_| {
                format!(
                    "`{text}` is not a site type: use 餐饮, 商铺, 厂房, 仓库, 合用场所, 居住小区, \
                     电动自行车集中停放充电场所, 快递外卖站点 or 其他"
                )
            })?,
    };
    Ok(site_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::regions::{Level, StoredRegion};
    use anxun_domain::region::RegionCode;

    fn regions() -> RegionIndex {
        let region = |code: &str, name: &str, level, parent: Option<&str>| StoredRegion {
            code: code.into(),
            name: name.into(),
            level,
            parent: parent.map(Into::into),
        };
        RegionIndex::new(vec![
            region("d1", "一区", Level::District, None),
            region("s1", "一街道", Level::Street, Some("d1")),
            region("g1", "第一网格", Level::Grid, Some("s1")),
            region("d2", "二区", Level::District, None),
            region("s2", "二街道", Level::Street, Some("d2")),
            region("g2", "第二网格", Level::Grid, Some("s2")),
        ])
    }

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).unwrap()
    }

    fn table(csv: &str) -> Table {
        read_table(Format::Csv, csv.as_bytes()).unwrap()
    }

    const HEADER: &str =
        "名称,统一社会信用代码,地址,区,街道,网格,行业/检查领域,场所类型,联系人,电话\n";

    fn check(csv: &str, existing: &[Site], scope: &Scope) -> Plan {
        plan(
            &table(&format!("{HEADER}{csv}")),
            &regions(),
            existing,
            scope,
        )
        .unwrap()
    }

    fn fields_in_error(row: &SiteImportRow) -> Vec<&str> {
        row.errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn good_rows_become_sites_and_bad_fields_are_reported_each() {
        let plan = check(
            "老弄堂菜馆,91350100M000100Y43,滨江路1号,一区,一街道,第一网格,城镇燃气、电动自行车,餐饮,张伟,13800000001\n\
             坏行,91350100M000100Y44,,d1,s9,g1,水务,宾馆,,13800000002\n",
            &[],
            &Scope::City,
        );
        assert_eq!(plan.rows.len(), 2);
        assert_eq!(plan.rows[0].row, 2);
        assert_eq!(plan.rows[0].status, ImportRowStatus::Created);
        assert_eq!(plan.writes.len(), 1);
        let site = &plan.writes[0];
        assert_eq!(site.name().as_str(), "老弄堂菜馆");
        assert_eq!(site.areas(), &[Area::Gas, Area::Ebike]);
        assert_eq!(site.site_type(), SiteType::Restaurant);
        assert_eq!(site.region().grid, code("g1"));
        assert_eq!(
            site.responsible().unwrap().phone.as_ref().unwrap().as_str(),
            "13800000001"
        );
        let bad = &plan.rows[1];
        assert_eq!(bad.row, 3);
        assert_eq!(bad.status, ImportRowStatus::Invalid);
        assert_eq!(
            fields_in_error(bad),
            ["address", "credit_code", "street", "areas", "site_type"]
        );
        assert_eq!(bad.errors[0].header.as_deref(), Some("地址"));
    }

    #[test]
    fn rows_update_the_site_with_the_same_code_and_address_or_name_and_address() {
        let first = check(
            "甲,91350100M000100Y43,路1号,d1,s1,g1,gas,,,\n乙,,路2号,d1,s1,g1,ebike,,,\n",
            &[],
            &Scope::City,
        );
        let existing = first.writes;
        let again = check(
            "甲（新名）,91350100M000100Y43,路1号,d1,s1,g1,gas,,,\n乙,,路2号,d1,s1,g1,gas,,,\n丙,,路2号,d1,s1,g1,gas,,,\n",
            &existing,
            &Scope::City,
        );
        let statuses: Vec<_> = again.rows.iter().map(|row| row.status).collect();
        assert_eq!(
            statuses,
            [
                ImportRowStatus::Updated,
                ImportRowStatus::Updated,
                ImportRowStatus::Created
            ]
        );
        assert_eq!(again.writes[0].id(), existing[0].id());
        assert_eq!(again.writes[0].name().as_str(), "甲（新名）");
        assert_eq!(again.writes[1].id(), existing[1].id());
        assert_eq!(again.writes[1].areas(), &[Area::Gas]);
    }

    #[test]
    fn the_same_site_twice_in_a_file_is_an_error_on_the_second_row() {
        let plan = check(
            "甲,,路1号,d1,s1,g1,gas,,,\n甲,,路1号,d1,s1,g1,ebike,,,\n",
            &[],
            &Scope::City,
        );
        assert_eq!(plan.rows[1].status, ImportRowStatus::Invalid);
        assert!(plan.rows[1].errors[0].message.contains("row 2"));
        assert_eq!(plan.writes.len(), 1);
    }

    #[test]
    fn rows_outside_the_administrators_scope_are_refused() {
        let scope = Scope::District {
            district: code("d1"),
        };
        let plan = check("甲,,路1号,二区,二街道,第二网格,gas,,,\n", &[], &scope);
        assert_eq!(fields_in_error(&plan.rows[0]), ["district"]);
        assert!(plan.writes.is_empty());
    }

    #[test]
    fn a_phone_needs_a_contact_name() {
        let plan = check("甲,,路1号,d1,s1,g1,gas,,,13800000001\n", &[], &Scope::City);
        assert_eq!(fields_in_error(&plan.rows[0]), ["contact"]);
    }

    #[test]
    fn headers_are_found_below_a_title_in_english_too_and_blank_rows_are_skipped() {
        let csv = "某区场所台账,,,,,\n\n name ,Address,District,STREET,grid,areas,extra\n甲,路1号,d1,s1,g1,gas,x\n,,,,,,\n";
        let plan = plan(&table(csv), &regions(), &[], &Scope::City).unwrap();
        assert_eq!(plan.rows.len(), 1);
        assert_eq!(plan.rows[0].row, 4);
        assert_eq!(plan.rows[0].status, ImportRowStatus::Created);
    }

    #[test]
    fn files_without_the_required_columns_or_rows_are_unusable() {
        let missing = plan(
            &table("名称,地址\n甲,路1号\n"),
            &regions(),
            &[],
            &Scope::City,
        );
        assert!(
            matches!(&missing, Err(ImportError::Unusable(m)) if m.contains("区") && m.contains("网格")),
            "{missing:?}"
        );
        let empty = plan(&table(HEADER), &regions(), &[], &Scope::City);
        assert!(matches!(empty, Err(ImportError::Unusable(_))));
        let nothing = plan(&table("hello\n"), &regions(), &[], &Scope::City);
        assert!(matches!(nothing, Err(ImportError::Unusable(_))));
    }

    #[test]
    fn csv_in_gb18030_and_with_a_byte_order_mark_is_read() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("名称,地址\n甲,路1号\n");
        let table = read_table(Format::Csv, &gbk).unwrap();
        assert_eq!(table.rows[1].1, ["甲", "路1号"]);
        let bom = read_table(Format::Csv, "\u{feff}名称\n甲\n".as_bytes()).unwrap();
        assert_eq!(bom.rows[0].1, ["名称"]);
        assert!(matches!(
            read_table(Format::Xlsx, b"not a zip"),
            Err(ImportError::Unreadable(_))
        ));
    }

    #[test]
    fn content_types_name_the_format() {
        assert_eq!(
            Format::from_content_type("text/csv; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(Format::from_content_type(XLSX_MIME), Some(Format::Xlsx));
        assert_eq!(Format::from_content_type("application/json"), None);
    }

    #[test]
    fn areas_and_site_types_read_chinese_names_and_codes() {
        assert_eq!(
            parse_areas("燃气，厂房 ebike"),
            Ok(vec![Area::Gas, Area::FactoryWarehouse, Area::Ebike])
        );
        assert!(parse_areas("水务").is_err());
        assert_eq!(parse_site_type("仓库"), Ok(SiteType::Warehouse));
        assert_eq!(parse_site_type("mixed_use"), Ok(SiteType::MixedUse));
        assert!(parse_site_type("宾馆").is_err());
    }
}
