import { podTemplates, readYamlFile, render } from './support/helm';

interface Application {
  kind: string;
  spec: {
    source: { repoURL: string; path: string; helm: { releaseName: string; valuesObject: object } };
    destination: { namespace: string };
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; syncOptions: string[] };
  };
}

function application(): Application {
  return readYamlFile('deploy/argocd/application.yaml')[0] as Application;
}

describe('the ArgoCD Application', () => {
  const app = application();

  it('syncs the chart automatically, pruning and self-healing, into a namespace it creates', () => {
    expect(app.kind).toBe('Application');
    expect(app.spec.source.path).toBe('deploy/helm/hponeview-pagerduty-bridge');
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  });

  it('passes values the chart accepts, with secrets from Vault', () => {
    const objects = render('default', app.spec.source.helm.valuesObject);
    expect(objects.some((o) => o.kind === 'ExternalSecret')).toBe(true);
    expect(podTemplates(objects).map((p) => p.owner)).toEqual(
      expect.arrayContaining([expect.stringMatching(/-worker$/), expect.stringMatching(/-web$/)])
    );
  });
});
