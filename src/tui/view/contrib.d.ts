// The slice of blessed-contrib berth uses (the package ships no types).
declare module 'blessed-contrib' {
  import type { Widgets } from 'blessed';
  export interface LineSeries { title: string; x: string[]; y: number[]; style?: { line?: string } }
  export interface LineOptions extends Widgets.BoxOptions {
    style?: { line?: string; text?: string; baseline?: string } & Record<string, unknown>;
    xLabelPadding?: number;
    xPadding?: number;
    showLegend?: boolean;
    legend?: { width?: number };
    wholeNumbersOnly?: boolean;
    numYLabels?: number;
    minY?: number;
    maxY?: number;
    abbreviate?: boolean;
  }
  export interface LineElement extends Widgets.BoxElement {
    setData(data: LineSeries[]): void;
    options: LineOptions;
  }
  export function line(opts: LineOptions): LineElement;
  const contrib: { line: typeof line };
  export default contrib;
}
