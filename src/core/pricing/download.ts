// Reading a downloaded price file ("Update Prices"): streamed with a byte cap that stops the download
// early, parsed, and validated as a whole (validateCatalogData) before anything replaces the prices in use.
import { readBodyCapped } from '../providers/http';
import { sendRequest } from '../providers/request';
import { displayUrl } from '../providers/urls';
import { validateCatalogData } from './reference';
import { errorText } from '../errors';

/** The real file is ~1 MB; the download stops as soon as more than this has arrived (bytes, not characters). */
export const MAX_PRICE_DATA_BYTES = 20 * 1024 * 1024;

export interface PriceDataDownload {
  /** Ready for loadReferenceCatalog: the upstream bare provider list wrapped with the download date. */
  data: unknown;
  bytes: number;
}

/**
 * Fetches and checks price data. Throws an Error whose message says what was wrong (HTTP status, the
 * byte cap, not JSON, or the first validation errors with their paths in the data); never returns data
 * that did not validate.
 */
export async function downloadPriceData(
  url: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal; maxBytes?: number; today?: string } = {},
): Promise<PriceDataDownload> {
  // through the one request builder: a redirect to another origin or to http is refused, not followed
  const res = await sendRequest({ url, method: 'GET', signal: options.signal, fetch: options.fetch });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`HTTP ${res.status} from ${displayUrl(url)}`);
  }
  const { text, bytes } = await readBodyCapped(res, options.maxBytes ?? MAX_PRICE_DATA_BYTES, { what: 'the price data' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`the price data is not JSON (${errorText(err)})`, { cause: err });
  }
  const check = validateCatalogData(json);
  if (!check.ok) throw new Error(`the price data is not valid: ${check.errors.slice(0, 3).join('; ')}`);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  // The upstream file is a bare provider list: record the download date with it.
  const data = Array.isArray(json) ? { source: `genai-prices (downloaded ${today})`, dataDate: today, providers: json } : json;
  return { data, bytes };
}
