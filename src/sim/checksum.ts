/**
 * WS v2 book checksum (reference/kraken-api.md §9, [CK]): CRC32 over the top 10 asks (ascending) then
 * top 10 bids (descending), each level as price and qty formatted with the pair's precisions, with the
 * dot removed and leading zeros stripped.
 */
import { crc32 } from 'node:zlib';

export interface Level {
  readonly price: number;
  readonly qty: number;
}

function levelText(value: number, decimals: number): string {
  return value.toFixed(decimals).replace('.', '').replace(/^0+/, '');
}

export function bookChecksumInput(asks: readonly Level[], bids: readonly Level[], priceDecimals: number, qtyDecimals: number): string {
  let text = '';
  for (const side of [asks, bids]) {
    for (const level of side.slice(0, 10)) {
      text += levelText(level.price, priceDecimals) + levelText(level.qty, qtyDecimals);
    }
  }
  return text;
}

export function bookChecksum(asks: readonly Level[], bids: readonly Level[], priceDecimals: number, qtyDecimals: number): number {
  return crc32(bookChecksumInput(asks, bids, priceDecimals, qtyDecimals)) >>> 0;
}
