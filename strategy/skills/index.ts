/** The indicator library a strategy may import: `import { ema, rsiStream } from '../skills/index.ts'`. */
export type { Series, HLC, HLCV, TimedHLCV, HLCColumns, HLCVColumns, TimedHLCVColumns, Stream } from './types.ts';
export { rollingWindow, windowStream, type RollingWindow } from './window.ts';
export { ema, emaStream } from './ema.ts';
export { sma, smaStream } from './sma.ts';
export { rsi, rsiStream } from './rsi.ts';
export { macd, macdStream, type MacdPoint, type MacdSeries } from './macd.ts';
export { bollinger, bollingerStream, type BollingerPoint, type BollingerSeries } from './bollinger.ts';
export { atr, atrStream, trueRange } from './atr.ts';
export { adx, adxStream, type AdxPoint, type AdxSeries } from './adx.ts';
export { volumeRatio, volumeRatioStream } from './volume-ratio.ts';
export { sessionVwap, sessionVwapStream, rollingVwap, rollingVwapStream, typicalPrice } from './vwap.ts';
export { regime, regimeStream, DEFAULT_REGIME_PARAMS, type RegimeParams } from './regime.ts';
