// portfolio-analytics ships no types; only the functions the metric oracles call are declared.
declare module 'portfolio-analytics' {
  const PortfolioAnalytics: {
    sharpeRatio(curve: number[], benchmark: number[]): number;
    maxDrawdown(curve: number[]): number;
    probabilisticSharpeRatio(curve: number[], benchmark: number[], referenceSharpe: number): number;
  };
  export default PortfolioAnalytics;
}
