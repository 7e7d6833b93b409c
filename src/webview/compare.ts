// The comparison panel's webview script (bundled to media/compare.js, an iife, by scripts/build.mjs).
// Renders what the extension posts (exact money strings), sorts locally, and sends validated-on-arrival
// messages back. DOM built with createElement/textContent only: no innerHTML, no inline handlers or styles.
import {
  FromWebviewMessage,
  MAX_OUTPUT_TOKENS,
  MAX_REQUESTS_PER_DAY,
  NO_OUTPUT_REASON,
  PanelRow,
  PanelView,
  SortKey,
  SortState,
  ToWebviewMessage,
  cheapestIds,
  displayInt,
  displayUsd,
  nextSort,
  sortRows,
} from '../protocol/compare';
import { COMPARE_HIDE_ORDER } from '../core/compareColumns';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const send = (message: FromWebviewMessage): void => vscode.postMessage(message);

const SVG_NS = 'http://www.w3.org/2000/svg';

interface Column {
  key: SortKey | null;
  title: (view: PanelView) => string;
  numeric?: boolean;
  cell: (row: PanelRow, td: HTMLTableCellElement, view: PanelView) => void;
}

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function perModelOutput(v: PanelView): boolean {
  return new Set(v.rows.map((r) => r.outputTokens)).size > 1;
}

function money(td: HTMLTableCellElement, value: string | null, approximate: boolean): void {
  if (value === null) {
    td.textContent = '—';
    td.title = 'not available for this model';
    td.classList.add('missing');
    return;
  }
  td.textContent = displayUsd(value, approximate);
  td.title = `${approximate ? 'approximately ' : ''}$${value} (exact)`;
}

const COLUMNS: Column[] = [
  { key: 'provider', title: () => 'Provider', cell: (r, td) => (td.textContent = r.provider) },
  {
    key: 'model',
    title: () => 'Model',
    cell: (r, td, view) => {
      td.append(h('span', { className: 'model-name', text: r.model }));
      if (cheapestIds(view.rows).includes(r.id) && view.rows.length > 1)
        td.append(h('span', { className: 'badge cheapest-badge', text: 'cheapest' }));
      if (r.origin === 'added') td.append(h('span', { className: 'badge', text: 'added' }));
      if (r.warnings.length) {
        const w = h('span', {
          className: 'warning-mark',
          text: '⚠',
          attrs: { role: 'img', 'aria-label': `Warnings: ${r.warnings.join('; ')}` },
        });
        w.title = r.warnings.join('\n');
        td.append(' ', w);
      }
      td.title = r.id;
    },
  },
  {
    key: 'encoding',
    title: () => 'Encoding',
    cell: (r, td) => {
      td.textContent = r.approximate ? `≈ ${r.encoding}` : r.encoding;
      td.title = r.approximate ? 'Approximate: no exact offline tokenizer for this model' : 'Exact: counted like the official tokenizer';
    },
  },
  {
    key: 'inputTokens',
    title: () => 'Input tokens',
    numeric: true,
    cell: (r, td) => (td.textContent = `${r.approximate ? '≈ ' : ''}${displayInt(r.inputTokens)}`),
  },
  { key: 'inputUsd', title: () => 'Input', numeric: true, cell: (r, td) => money(td, r.inputUsd, r.approximate) },
  {
    key: 'outputUsd',
    // Learned output differs per model: then each cell says its tokens and where they come from.
    title: (v) =>
      v.embeddingsOnly ? 'Output (none: embeddings)' : perModelOutput(v) ? 'Output' : `Output (${displayInt(v.outputTokens)} tok)`,
    numeric: true,
    cell: (r, td) => {
      money(td, r.outputUsd, r.approximate);
      if (view && perModelOutput(view)) td.textContent += ` (${displayInt(r.outputTokens)} tok)`;
      if (r.outputNote) td.title += ` — ${displayInt(r.outputTokens)} output tokens: ${r.outputNote}`;
    },
  },
  { key: 'cachedInputUsd', title: () => 'Cached input', numeric: true, cell: (r, td) => money(td, r.cachedInputUsd, r.approximate) },
  { key: 'batchUsd', title: () => 'Batch', numeric: true, cell: (r, td) => money(td, r.batchUsd, r.approximate) },
  { key: 'totalUsd', title: () => 'Total / request', numeric: true, cell: (r, td) => money(td, r.totalUsd, r.approximate) },
  { key: 'per1kRequestsUsd', title: () => 'Per 1K requests', numeric: true, cell: (r, td) => money(td, r.per1kRequestsUsd, r.approximate) },
  {
    key: 'monthlyUsd',
    title: (v) => `Monthly (${displayInt(v.requestsPerDay)}/day)`,
    numeric: true,
    cell: (r, td) => money(td, r.monthlyUsd, r.approximate),
  },
  {
    key: 'contextUsedPct',
    title: () => 'Context fit',
    numeric: true,
    cell: (r, td) => {
      if (r.contextUsedPct === null || r.contextWindow === null) {
        td.textContent = '—';
        td.title = 'context window unknown';
        td.classList.add('missing');
        return;
      }
      td.textContent = `${r.exceedsContext ? '⚠ ' : ''}${r.contextUsedPct}% of ${compactInt(r.contextWindow)}`;
      const used = `${displayInt(r.inputTokens + r.outputTokens)} of ${displayInt(r.contextWindow)} tokens`;
      td.title = r.exceedsContext
        ? `Input + output tokens exceed the context window (${used})`
        : `Input + output use ${r.contextUsedPct}% of the context window (${used})`;
      if (r.exceedsContext) td.classList.add('exceeds');
      else if (r.contextUsedPct >= 80) td.classList.add('near-limit');
    },
  },
  {
    key: 'priceSource',
    title: () => 'Price source',
    cell: (r, td) => {
      td.textContent = r.priceSource;
      if (r.priceDate) td.append(h('span', { className: 'date', text: ` · ${r.priceDate}` }));
      td.title = r.priceDate ? `Price from ${r.priceSource}, as of ${r.priceDate}` : `Price from ${r.priceSource}`;
    },
  },
  {
    key: null,
    title: () => 'Actions',
    cell: (r, td) => {
      if (r.origin !== 'added') return;
      const b = h('button', {
        className: 'icon-button remove',
        text: '✕',
        attrs: { type: 'button', 'aria-label': `Remove ${r.id} from the comparison`, title: `Remove ${r.id}` },
      });
      b.addEventListener('click', () => send({ type: 'removeModel', id: r.id }));
      td.append(b);
    },
  },
];

// ---- fitting the panel's width ----
// Model, Total and Monthly always show. When the panel is too narrow, the other columns hide one at a
// time in COMPARE_HIDE_ORDER (least telling first; `prompt-cost compare` fits the terminal the same way)
// until the table fits without sideways scrolling; "Show all columns" scrolls instead.
const HIDE_ORDER: readonly SortKey[] = COMPARE_HIDE_ORDER;
let showAllColumns = false;

/** Hides columns in HIDE_ORDER until the table fits; lists what is hidden with a way to show it. */
function fitColumns(): void {
  if (!view) return;
  for (const cell of table.querySelectorAll('.col-hidden')) cell.classList.remove('col-hidden');
  const hidden: SortKey[] = [];
  for (const key of HIDE_ORDER) {
    if (showAllColumns || table.scrollWidth <= tableWrap.clientWidth + 1) break;
    for (const cell of table.querySelectorAll(`[data-col="${key}"]`)) cell.classList.add('col-hidden');
    hidden.push(key);
  }
  table.classList.toggle('fitted', hidden.length > 0);
  tableWrap.classList.toggle('all-columns', showAllColumns);
  const titles = COLUMNS.filter((c) => c.key && hidden.includes(c.key)).map((c) => c.title(view!));
  fitNote.hidden = !hidden.length && !showAllColumns;
  fitText.textContent = showAllColumns
    ? 'All columns shown: scroll sideways. '
    : `${hidden.length} column${hidden.length === 1 ? '' : 's'} hidden to fit the panel (${titles.join(', ')}). `;
  fitToggle.textContent = showAllColumns ? 'Fit to width' : 'Show all columns';
}

/** `128K`, `1M`, `1,048,576`: context windows at a glance (the cell's title has the exact figure). */
function compactInt(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}K`;
  return displayInt(n);
}

const SORT_LABEL: Record<string, string> = { asc: 'ascending', desc: 'descending' };

// ---- static skeleton (built once, so inputs keep focus across updates) ----

const app = document.getElementById('app')!;
app.replaceChildren();
app.removeAttribute('aria-busy');

const docButton = h('button', { className: 'link doc-name', attrs: { type: 'button', title: 'Show the prompt in the editor' } });
const pinButton = h('button', { className: 'button secondary pin', attrs: { type: 'button', 'aria-pressed': 'false' } });
docButton.addEventListener('click', () => send({ type: 'revealDocument' }));
pinButton.addEventListener('click', () => send({ type: 'setPinned', pinned: pinButton.getAttribute('aria-pressed') !== 'true' }));

function numberField(id: string, label: string, max: number, onValue: (value: number | null) => void) {
  const input = h('input', { attrs: { id, type: 'number', min: '0', max: String(max), step: '1', inputmode: 'numeric' } });
  const source = h('span', { className: 'source', attrs: { id: `${id}-source` } });
  const reset = h('button', {
    className: 'link reset',
    text: 'reset',
    attrs: { type: 'button', 'aria-label': `Reset ${label.toLowerCase()} to the default` },
  });
  input.setAttribute('aria-describedby', source.id);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent: string | undefined;
  const commit = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const text = input.value.trim();
    const n = Number(text);
    const valid = text !== '' && Number.isInteger(n) && n >= 0 && n <= max;
    input.setAttribute('aria-invalid', valid || text === '' ? 'false' : 'true');
    if (!valid || text === lastSent) return;
    lastSent = text;
    onValue(n);
  };
  input.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(commit, 350);
  });
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commit();
  });
  reset.addEventListener('click', () => {
    lastSent = undefined;
    onValue(null);
  });
  const field = h('div', { className: 'field' }, h('label', { text: label, attrs: { for: id } }), input, source, reset);
  return {
    field,
    /** `disabledReason`: the field does not apply (embedding models have no output); shown instead of the source. */
    set(value: number, sourceText: string, overridden: boolean, disabledReason?: string) {
      input.disabled = disabledReason !== undefined;
      input.title = disabledReason ?? '';
      if (disabledReason !== undefined) {
        if (timer) clearTimeout(timer);
        timer = undefined;
      }
      if (document.activeElement !== input || timer === undefined) {
        input.value = String(value);
        lastSent = String(value);
        input.setAttribute('aria-invalid', 'false');
      }
      source.textContent = disabledReason ?? sourceText;
      reset.hidden = !overridden || disabledReason !== undefined;
    },
  };
}

const outputField = numberField('output-tokens', 'Output tokens', MAX_OUTPUT_TOKENS, (value) => send({ type: 'setOutputTokens', value }));
const rpdField = numberField('requests-per-day', 'Requests/day', MAX_REQUESTS_PER_DAY, (value) =>
  send({ type: 'setRequestsPerDay', value }),
);

function actionButton(text: string, label: string, message: FromWebviewMessage, className = 'button secondary'): HTMLButtonElement {
  const b = h('button', { className, text, attrs: { type: 'button', title: label } });
  if (label !== text) b.setAttribute('aria-label', label);
  b.addEventListener('click', () => send(message));
  return b;
}

const addButton = actionButton('Add model…', 'Add a model from the catalog', { type: 'addModel' }, 'button primary');
const exportGroup = h(
  'div',
  { className: 'export', attrs: { role: 'group', 'aria-label': 'Export the table' } },
  actionButton('Copy CSV', 'Copy the table as CSV', { type: 'export', format: 'csv', action: 'copy' }),
  actionButton('Save CSV…', 'Save the table as a CSV file', { type: 'export', format: 'csv', action: 'save' }),
  actionButton('Copy Markdown', 'Copy the table as Markdown', { type: 'export', format: 'markdown', action: 'copy' }),
  actionButton('Save Markdown…', 'Save the table as a Markdown file', { type: 'export', format: 'markdown', action: 'save' }),
);

const status = h('p', { className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
const messageBox = h('p', { className: 'message' });
const table = h('table', { className: 'compare', attrs: { id: 'compare-table' } });
const caption = h('caption', { className: 'visually-hidden' });
const thead = h('thead');
const tbody = h('tbody');
table.append(caption, thead, tbody);
const tableWrap = h(
  'div',
  { className: 'table-wrap', attrs: { tabindex: '0', role: 'region', 'aria-label': 'Comparison table (scrolls horizontally)' } },
  table,
);
const fitText = h('span');
const fitToggle = h('button', { className: 'link', attrs: { type: 'button' } });
fitToggle.addEventListener('click', () => {
  showAllColumns = !showAllColumns;
  fitColumns();
});
const fitNote = h('p', { className: 'fit-note' }, fitText, fitToggle);
new ResizeObserver(() => fitColumns()).observe(tableWrap);
const errorsBox = h('ul', { className: 'errors' });
const chartTitle = h('h2', { text: 'Total cost per request' });
const chartBox = h('div', { className: 'chart' });
const chartSection = h('section', { className: 'chart-section', attrs: { 'aria-labelledby': 'chart-title' } }, chartTitle, chartBox);
chartTitle.id = 'chart-title';
// Redraw the chart at its new width (only when the width changed: drawing changes the height, not the width).
let chartWidth = 0;
new ResizeObserver(() => {
  const w = Math.floor(chartBox.clientWidth);
  if (w === chartWidth || !view) return;
  chartWidth = w;
  renderChart(view);
}).observe(chartBox);
const notesBox = h('ul', { className: 'notes' });

app.append(
  h(
    'header',
    { className: 'toolbar' },
    h('div', { className: 'title-row' }, h('h1', { text: 'Compare models' }), docButton, pinButton),
    h('div', { className: 'controls' }, outputField.field, rpdField.field, h('div', { className: 'spacer' }), addButton, exportGroup),
  ),
  status,
  messageBox,
  tableWrap,
  fitNote,
  errorsBox,
  chartSection,
  notesBox,
);

// ---- rendering ----

let view: PanelView | undefined;
let sort: SortState | null = null;
let statusTimer: ReturnType<typeof setTimeout> | undefined;

function announce(text: string): void {
  status.textContent = text;
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => (status.textContent = ''), 5000);
}

function renderHead(v: PanelView): void {
  const tr = h('tr');
  for (const col of COLUMNS) {
    const th = h('th', { attrs: { scope: 'col', 'data-col': col.key ?? 'actions' } });
    if (col.numeric) th.classList.add('num');
    const title = col.title(v);
    if (!col.key) {
      th.append(h('span', { className: 'visually-hidden', text: title }));
    } else {
      const key = col.key;
      const active = sort?.key === key;
      th.setAttribute('aria-sort', active ? (sort!.direction === 'asc' ? 'ascending' : 'descending') : 'none');
      const button = h(
        'button',
        { className: 'sort', attrs: { type: 'button', 'data-key': key } },
        h('span', { text: title }),
        h('span', {
          className: 'sort-indicator',
          text: active ? (sort!.direction === 'asc' ? '▲' : '▼') : '↕',
          attrs: { 'aria-hidden': 'true' },
        }),
      );
      button.title = `Sort by ${title}`;
      button.addEventListener('click', () => {
        sort = nextSort(sort, key);
        render();
        (thead.querySelector(`button[data-key="${key}"]`) as HTMLButtonElement | null)?.focus();
        announce(`Sorted by ${title}, ${SORT_LABEL[sort.direction]}.`);
        send({ type: 'setSort', sort });
      });
      th.append(button);
    }
    tr.append(th);
  }
  thead.replaceChildren(tr);
}

function renderBody(v: PanelView): void {
  const cheapest = v.rows.length > 1 ? new Set(cheapestIds(v.rows)) : new Set<string>();
  const rows = sortRows(v.rows, sort).map((row) => {
    const tr = h('tr', { attrs: { 'data-id': row.id, tabindex: '-1' } });
    if (cheapest.has(row.id)) tr.classList.add('cheapest');
    if (row.origin === 'added') tr.classList.add('added');
    for (const col of COLUMNS) {
      const td = col.key === 'model' ? h('th', { attrs: { scope: 'row' } }) : h('td');
      td.setAttribute('data-col', col.key ?? 'actions');
      if (col.numeric) td.classList.add('num');
      col.cell(row, td as HTMLTableCellElement, v);
      tr.append(td);
    }
    return tr;
  });
  tbody.replaceChildren(...rows);
}

/** Below this width the chart puts each model's name above its bar instead of beside it. */
const STACKED_BELOW_PX = 480;
/** Approximate advance of a 12 px UI font character, to shorten labels that would not fit. */
const CHAR_PX = 7;

/**
 * The bar chart, drawn at the width it is shown at (one SVG unit = one CSS pixel), so its 12 px text stays
 * 12 px in a narrow panel instead of being scaled down with a fixed-width drawing; redrawn on resize.
 */
function renderChart(v: PanelView): void {
  const rows = sortRows(v.rows, { key: 'totalUsd', direction: 'asc' });
  if (rows.length === 0) {
    chartSection.hidden = true;
    return;
  }
  chartSection.hidden = false;
  const cheapest = new Set(rows.length > 1 ? cheapestIds(rows) : []);
  const width = Math.max(200, Math.floor(chartBox.clientWidth || 640));
  const stacked = width < STACKED_BELOW_PX;
  const labelWidth = stacked ? 0 : Math.min(190, Math.round(width * 0.3));
  const valueWidth = 96;
  const barArea = width - labelWidth - valueWidth - 8;
  const rowHeight = stacked ? 40 : 24;
  const barTop = stacked ? 18 : 3;
  const barHeight = stacked ? 16 : rowHeight - 6;
  const height = rows.length * rowHeight + 8;
  const max = rows.reduce((m, r) => Math.max(m, Number(r.totalUsd)), 0);
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `Bar chart of total cost per request: ${rows.map((r) => `${r.model} ${displayUsd(r.totalUsd, r.approximate)}`).join(', ')}`,
  });
  const maxChars = Math.max(8, Math.floor((stacked ? width : labelWidth - 8) / CHAR_PX));
  rows.forEach((r, i) => {
    const y = 4 + i * rowHeight;
    const g = svg('g', { class: cheapest.has(r.id) ? 'bar cheapest' : 'bar' });
    const t = svg('title');
    t.textContent = `${r.id}: ${displayUsd(r.totalUsd, r.approximate)} per request`;
    const label = svg(
      'text',
      stacked
        ? { x: 0, y: y + 8, 'dominant-baseline': 'middle', class: 'label' }
        : { x: labelWidth - 8, y: y + rowHeight / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'label' },
    );
    label.textContent = r.model.length > maxChars ? `${r.model.slice(0, maxChars - 1)}…` : r.model;
    const w = max > 0 ? Math.max(2, (Number(r.totalUsd) / max) * barArea) : 2;
    const rect = svg('rect', { x: labelWidth, y: y + barTop, width: w.toFixed(1), height: barHeight, rx: 2 });
    const value = svg('text', { x: labelWidth + w + 6, y: y + barTop + barHeight / 2, 'dominant-baseline': 'middle', class: 'value' });
    value.textContent = displayUsd(r.totalUsd, r.approximate);
    g.append(t, label, rect, value);
    chart.append(g);
  });
  chartBox.replaceChildren(chart);
}

function renderErrors(v: PanelView): void {
  errorsBox.replaceChildren(
    ...v.errors.map((e) => {
      const li = h(
        'li',
        {},
        h('span', { className: 'error-mark', text: '✕ ', attrs: { 'aria-hidden': 'true' } }),
        h('strong', { text: e.id }),
        `: ${e.message}`,
      );
      if (e.origin === 'added') {
        const b = h('button', {
          className: 'link',
          text: 'remove',
          attrs: { type: 'button', 'aria-label': `Remove ${e.id} from the comparison` },
        });
        b.addEventListener('click', () => send({ type: 'removeModel', id: e.id }));
        li.append(' ', b);
      }
      return li;
    }),
  );
  errorsBox.hidden = v.errors.length === 0;
}

const OUTPUT_SOURCE: Record<PanelView['outputTokensSource'], string> = {
  panel: 'set here',
  history: 'learned from runs (per model)',
  document: 'from the prompt (max_tokens)',
  settings: 'from settings',
};
const RPD_SOURCE: Record<PanelView['requestsPerDaySource'], string> = { panel: 'set here', settings: 'from settings' };

function render(): void {
  const v = view;
  if (!v) return;
  docButton.textContent = v.document?.name ?? 'no prompt';
  docButton.disabled = !v.document;
  pinButton.setAttribute('aria-pressed', String(v.pinned));
  pinButton.textContent = v.pinned ? 'Pinned' : 'Pin';
  pinButton.title = v.pinned
    ? 'Pinned to this prompt: click to follow the active editor'
    : 'Following the active prompt: click to pin this one';
  outputField.set(
    v.outputTokens,
    OUTPUT_SOURCE[v.outputTokensSource],
    v.outputTokensSource === 'panel',
    v.embeddingsOnly ? NO_OUTPUT_REASON : undefined,
  );
  rpdField.set(v.requestsPerDay, RPD_SOURCE[v.requestsPerDaySource], v.requestsPerDaySource === 'panel');
  const empty = v.rows.length === 0;
  messageBox.textContent = v.message ?? (empty ? 'No model could be priced for this prompt.' : '');
  messageBox.hidden = !messageBox.textContent;
  tableWrap.hidden = empty;
  for (const b of exportGroup.querySelectorAll('button')) b.disabled = empty;
  // In words: the sorted column's title ("Total / request"), not its field name.
  const sortedBy = sort && COLUMNS.find((c) => c.key === sort!.key)?.title(v);
  caption.textContent = `Cost of ${v.document?.name ?? 'the prompt'} per model, ${v.embeddingsOnly ? 'no output tokens (embedding models)' : `${displayInt(v.outputTokens)} output tokens per request`}, ${displayInt(v.requestsPerDay)} requests per day${sortedBy ? `, sorted by ${sortedBy}, ${SORT_LABEL[sort!.direction]}` : ''}.`;
  renderHead(v);
  renderBody(v);
  fitColumns();
  renderErrors(v);
  renderChart(v);
  notesBox.replaceChildren(...v.notes.map((n) => h('li', { text: n })));
  notesBox.hidden = v.notes.length === 0;
}

function focusModel(id: string): void {
  const tr = [...tbody.querySelectorAll('tr')].find((r) => r.getAttribute('data-id') === id);
  if (!tr) return;
  for (const r of tbody.querySelectorAll('tr.focused')) r.classList.remove('focused');
  tr.classList.add('focused');
  tr.scrollIntoView({ block: 'nearest' });
  tr.focus({ preventScroll: true });
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'update':
      view = msg.view;
      sort = msg.view.sort;
      vscode.setState(msg.state);
      render();
      break;
    case 'focusModel':
      focusModel(msg.id);
      break;
    case 'notice':
      announce(msg.text);
      break;
  }
});

send({ type: 'ready' });
