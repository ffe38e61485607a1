/** The daemon's only door to Kraken: REST client, orders, candles, pair table, WS feed session. */
export { KrakenClient, splitBalances, isKrakenError, type Balances, type AssetBalance, type SystemStatus, type KrakenClientOptions } from './client.ts';
export { KrakenRest, type KrakenCredentials, type KrakenRestOptions, type CallOptions } from './rest.ts';
export { KrakenError, venueError, type KrakenErrorKind } from './errors.ts';
export { OrderApi, type PlaceOrderRequest, type PlaceOrderResult, type VenueOrder } from './orders.ts';
export { fetchCandles, OHLC_CAP, type CandleFetch } from './ohlc.ts';
export { PairTable, type PairInfo } from './pairs.ts';
export { DeadManSwitch, type DeadManSwitchOptions } from './dms.ts';
export { FeedSession, type FeedListener, type FeedSessionOptions } from './session.ts';
export { OrderBook, bookChecksum } from './book.ts';
export { apiSign } from './auth.ts';
export { TIER_LIMITS, type AccountTier } from './rate.ts';
