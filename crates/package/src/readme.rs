//! The package's README for the auditor, in English and Chinese.

/// The README of a package of `organisation`'s period `year`.
pub fn text(organisation: &str, year: i32) -> String {
    format!(
        r#"# Auditor's package: {organisation}, period {year}

Written by Scopebook {version}. Every figure is a decimal string at full precision; line figures
are in kg, totals in tonnes. Nothing here needs Scopebook to be read or checked.

## Check it

1. **Hashes.** `sha256sum -c SHA256SUMS` checks every file. `sha256sum SHA256SUMS` prints the
   root hash, which `manifest.json` records (`root_hash`). Compare it with the root hash you were
   given separately (an e-mail, the report's cover): a package changed after that differs.
2. **Recompute.** `python3 verify.py` (Python 3.8 or later, standard library only) checks the
   hashes and the audit chain, recomputes every line from the records, factor files, GWP table
   and units in this folder with exact decimals, recomputes every total, and prints a table. It
   exits 0 only when everything matches.
3. **With Scopebook:** `scopebook verify PACKAGE.zip` does the same with Scopebook's own engine
   (from the package alone: no database, no installed factor library).

## What is here

| file | holds |
| --- | --- |
| `inventory/organisation.json`, `inventory/period.json` | the organisation (consolidation approach) and the period (dates, status, GWP set, pinned editions) |
| `inventory/boundary.json`, `boundary.csv` | legal entities and facilities: parent, equity share, control, and the share of each facility the totals take |
| `data/activities.csv` | the period's current records as the activity file that was calculated (its SHA-256 is the report's `inputs.activities.sha256`, and the lock snapshot's `input_sha256`) |
| `data/records.json`, `records.csv` | each record's stored value (canonical JSON) and its SHA-256; the same text as the record's last audit entry |
| `data/units.csv` | every unit spelling used, with its size in the base unit of its dimension |
| `results/report.json` | the calculation: every line with its factor, steps and emissions, and every total (`scopebook calc --db FILE --period {year} --format json`) |
| `results/lines.csv`, `totals.csv` | the same lines and totals as tables |
| `factors/used.csv` | each factor used: dataset, edition, SHA-256 of its file, source, licence, lines |
| `factors/DATASET/EDITION/` | `dataset.json` (provenance, licence and, for spend factors, the `price_year` a line's money is deflated to) and `factors.csv` (the dataset's published file); also the residual mixes' datasets |
| `inputs/instruments.csv` | when the period has contractual instruments: the `instruments {year}` file the calculation read (its SHA-256 is in the report's `inputs.factor_files`) |
| `inputs/scope3-status.csv` | when the period has Scope 3 category statuses: the `scope3-status {year}` file the calculation read (likewise) |
| `inputs/residual-mix.csv` | when market-based Scope 2 is not the grid average: the residual-mix factor each electricity use (facility, region, period) is allocated at |
| `gwp/` | the GWP-100 tables and blend compositions, and the values used |
| `audit/log.jsonl` | the whole hash-chained audit log of the inventory file, as stored |
| `audit/imports.csv` | each record an import of the period created (`import`, `activity` id, `source_row` in the imported file), by import and record id |
| `snapshot/` | when the period is locked: the snapshot record and the report signed at the lock |
| `evidence/index.csv` | each evidence reference and file (with its SHA-256) and the records that cite it |

**Audit chain:** `hash = SHA-256(prev_hash + "\n" + entry)`, where `entry` is the canonical JSON
object `{{"action","at","new","old","reason","record","seq","table","user"}}` (keys in that order,
no spaces, `new` and `old` embedded as stored); the first `prev_hash` is 64 zeros.

**Imported records:** an import is audited by one entry (`import import_batch N`) whose value
carries `records_sha256`: the SHA-256 of one line per record it created, in id order,
`"{{id}}\t{{source_row}}\t{{SHA-256 of the record's value at the import}}\n"`. A record's value at the
import is the `old_value` of the first later entry on that record, or else its stored value in
`data/records.json`. A record with no entry of its own is checked this way, against its import.

**Market-based Scope 2:** each facility's electricity is covered by its instruments in file
order, each capped at what is left of the consumption (applied MWh × the instrument's rate),
then the residual mix (uncovered MWh × its rate), then the grid average (its location-based
figure). `scopebook verify` also grades the instruments against the Scope 2 Quality Criteria;
`verify.py` takes the grades from the report, and says so.

**Withheld factors:** a dataset whose licence does not allow redistribution is listed with its
reference and SHA-256, without its file. Its lines cannot be recomputed here and are reported
as withheld; obtain the dataset from its publisher and compare its SHA-256.

**What this proves:** that the figures follow exactly from the records, factors and GWP values
in the package, and that the records match the audit log. It does not prove that the records
are true (check them against the evidence), that the factor chosen for each line was the right
one (`selected_by` in the report says by which rule it was chosen), or who wrote the log.

---

# 审计数据包：{organisation}，{year} 年度

由 Scopebook {version} 生成。所有数值均为全精度十进制字符串；明细行单位为千克，合计单位为吨。
阅读和核验本数据包无需安装 Scopebook。

## 核验方法

1. **哈希值：** `sha256sum -c SHA256SUMS` 校验每个文件；`sha256sum SHA256SUMS` 输出根哈希，
   即 `manifest.json` 中的 `root_hash`。请与另行获得的根哈希（邮件、报告封面）比对。
2. **重新计算：** `python3 verify.py`（Python 3.8 及以上，仅用标准库）校验哈希和审计链，
   用精确十进制从本文件夹中的活动记录、排放因子文件、GWP 表和单位表重新计算每一行和每个合计，
   并输出对照表；全部一致时退出码为 0。
3. **使用 Scopebook：** `scopebook verify PACKAGE.zip` 仅凭本数据包（无需数据库或因子库）完成同样的核验。

## 内容

- `inventory/`：组织（合并方法）、报告期、组织边界（法人实体、设施、股权比例、控制权及计入比例）；
- `data/`：本期活动数据（`activities.csv` 即参与计算的文件）、每条记录的存储值及其 SHA-256、单位表；
- `results/`：计算结果，每行含所用因子、计算步骤和排放量，以及全部合计；
- `factors/`：所用排放因子的数据集、版本、文件 SHA-256、来源和许可；
- `inputs/`：计算所读取的本期合同工具（`instruments.csv`）和范围三类别状态（`scope3-status.csv`），其 SHA-256
  见报告的 `inputs.factor_files`；以及每项用电所采用的剩余组合因子（`residual-mix.csv`），用于重新计算基于市场的范围二排放；
- `gwp/`：GWP-100 数值表和混合制冷剂组分；
- `audit/log.jsonl`：完整的哈希链审计日志；
- `audit/imports.csv`：本期每次导入创建的记录及其在导入文件中的行号；导入只有一条审计记录，其 `records_sha256`
  （按记录编号逐行 `编号\t行号\t导入时记录值的 SHA-256\n` 的 SHA-256）由此与包内记录一并核验；
- `snapshot/`：报告期锁定时的快照；
- `evidence/index.csv`：证据索引（证据编号、文件及其 SHA-256、引用它的记录）。

**未随包提供的因子：** 许可不允许再分发的数据集只列出其引用和 SHA-256，相关明细行无法在此重新计算，
核验时标记为"未提供"（withheld）。

**核验所能证明的：** 数值完全由包内的活动数据、排放因子和 GWP 值得出，且记录与审计日志一致。
它不能证明活动数据真实（请对照证据），也不能证明每行选用的因子恰当（报告中的 `selected_by` 说明选用规则）。
"#,
        version = scopebook_core::ENGINE_VERSION
    )
}
