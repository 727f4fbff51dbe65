// A one-line text editor driven by the same keypresses as everything else
// (blessed's own textbox grabs the keyboard and is hard to drive from tmux).
// Pure state: the app feeds keys and renders `value` with a cursor.
export type InputResult = 'submit' | 'cancel' | 'changed' | 'moved' | 'ignored';

export class LineInput {
  value: string;
  cursor: number;

  constructor(initial = '') {
    this.value = initial;
    this.cursor = initial.length;
  }

  /** Feeds one key (keymap naming: the character, or "enter", "backspace", "C-u"...). */
  key(name: string, ch: string | undefined): InputResult {
    switch (name) {
      case 'enter': return 'submit';
      case 'escape': case 'C-c': return 'cancel';
      case 'backspace': case 'C-h':
        if (!this.cursor) return 'ignored';
        this.value = this.value.slice(0, this.cursor - 1) + this.value.slice(this.cursor);
        this.cursor--;
        return 'changed';
      case 'delete':
        if (this.cursor >= this.value.length) return 'ignored';
        this.value = this.value.slice(0, this.cursor) + this.value.slice(this.cursor + 1);
        return 'changed';
      case 'C-u': this.value = this.value.slice(this.cursor); this.cursor = 0; return 'changed';
      case 'C-w': {
        const before = this.value.slice(0, this.cursor).replace(/\S+\s*$/, '');
        this.value = before + this.value.slice(this.cursor);
        this.cursor = before.length;
        return 'changed';
      }
      case 'left': if (this.cursor > 0) this.cursor--; return 'moved';
      case 'right': if (this.cursor < this.value.length) this.cursor++; return 'moved';
      case 'home': case 'C-a': this.cursor = 0; return 'moved';
      case 'end': case 'C-e': this.cursor = this.value.length; return 'moved';
    }
    const text = name === 'space' ? ' ' : ch && ch.length === 1 && ch >= ' ' && ch !== '\x7f' ? ch : undefined;
    if (text === undefined) return 'ignored';
    this.value = this.value.slice(0, this.cursor) + text + this.value.slice(this.cursor);
    this.cursor += text.length;
    return 'changed';
  }

  /** The value with a visible cursor (for a tags-enabled box; `esc` escapes text). */
  render(esc: (s: string) => string): string {
    const at = this.value[this.cursor] ?? ' ';
    return esc(this.value.slice(0, this.cursor)) + `{inverse}${esc(at)}{/inverse}` + esc(this.value.slice(this.cursor + 1));
  }
}
